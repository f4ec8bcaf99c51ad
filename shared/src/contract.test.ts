import { describe, expect, it } from 'vitest';
import { CreateConsultationBody, PERMISSIONS, REQUESTS, ROLES, can, publishes } from './index.js';

describe('permission table', () => {
  it('lets only members, the moderator and studios publish', () => {
    expect(ROLES.filter(publishes)).toEqual(['moderator', 'member', 'studio']);
    expect(can('observer', 'media.produce.audio')).toBe(false);
    expect(can('clerk', 'media.produce.video')).toBe(false);
  });
  it('reserves moderation for the moderator', () => {
    expect(ROLES.filter((r) => can(r, 'consultation.moderate'))).toEqual(['moderator']);
  });
  it('lets every role join and receive', () => {
    for (const role of ROLES) expect(PERMISSIONS[role]).toEqual(expect.arrayContaining(['session.join', 'media.receive']));
  });
  it('gives every request a schema', () => {
    for (const [name, schema] of Object.entries(REQUESTS)) expect(schema, name).toBeDefined();
  });
});

describe('CreateConsultationBody', () => {
  const valid = { title: ' 会 ', sites: [{ id: 'a', name: 'A' }], participants: [{ name: 'n', role: 'member', siteId: 'a' }] };
  it('fills defaults and trims', () => {
    expect(CreateConsultationBody.parse(valid)).toMatchObject({ title: '会', language: 'zh', agenda: [] });
  });
  it('names a participant whose site is not listed', () => {
    const r = CreateConsultationBody.safeParse({ ...valid, participants: [{ name: 'n', role: 'member', siteId: 'b' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['participants', 0, 'siteId']);
  });
  it('refuses empty participants and site ids with slashes', () => {
    expect(CreateConsultationBody.safeParse({ ...valid, participants: [] }).success).toBe(false);
    expect(CreateConsultationBody.safeParse({ ...valid, sites: [{ id: '../x', name: 'X' }] }).success).toBe(false);
  });
});
