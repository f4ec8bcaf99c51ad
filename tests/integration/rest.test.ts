import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SAMPLE, createConsultation, joinAs, request, startServer, tempDir, tokenFor, tokenOf, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startServer();
});
afterAll(async () => h.close());

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${h.url}/api/consultations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });

describe('REST contract', () => {
  it('creates a consultation and returns a join link per participant', async () => {
    const created = await createConsultation(h.url);
    expect(created.id).toMatch(/^[a-z0-9]+$/);
    expect(created.title).toBe(SAMPLE.title);
    expect(created.participants).toHaveLength(SAMPLE.participants.length);
    for (const [i, p] of created.participants.entries()) {
      expect(p).toMatchObject({ name: SAMPLE.participants[i]!.name, role: SAMPLE.participants[i]!.role, siteId: SAMPLE.participants[i]!.siteId });
      expect(p.joinUrl).toMatch(/^\/join\?token=v1\./);
    }
    const ids = new Set(created.participants.map((p) => p.id));
    expect(ids.size).toBe(created.participants.length);

    const res = await fetch(`${h.url}/api/consultations/${created.id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: created.id, title: SAMPLE.title, language: 'zh', sites: SAMPLE.sites });
    expect(body.agenda).toEqual([{ id: expect.any(String), title: '议题一' }]);
    expect(body.participants.map((p: { id: string }) => p.id)).toEqual(created.participants.map((p) => p.id));
    expect(body.present).toEqual([]);
  });

  it('tells a join link bearer who they are, and refuses forged links', async () => {
    const created = await createConsultation(h.url);
    const member = created.participants.find((p) => p.role === 'member')!;
    const token = tokenOf(member.joinUrl);
    const res = await fetch(`${h.url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      participant: { id: member.id, name: member.name, role: 'member', siteName: '市本级' },
      consultation: { id: created.id },
    });

    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    const bad = await fetch(`${h.url}/api/session`, { headers: { authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect((await bad.json()).error.code).toBe('TOKEN_INVALID');
    const none = await fetch(`${h.url}/api/session`);
    expect(none.status).toBe(401);
  });

  it('answers 401 without or with a wrong admin token, and creates nothing', async () => {
    const before = h.app.consultations.all().length;
    const missing = await fetch(`${h.url}/api/consultations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SAMPLE),
    });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('UNAUTHORIZED');
    const wrong = await post(JSON.stringify(SAMPLE), { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const read = await fetch(`${h.url}/api/consultations/whatever`);
    expect(read.status).toBe(401);
    expect(h.app.consultations.all().length).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"title": ', /JSON/],
    ['an unknown role', JSON.stringify({ ...SAMPLE, participants: [{ name: 'x', role: 'king', siteId: 'city' }] }), /participants\.0\.role/],
    [
      'a participant whose site is not listed',
      JSON.stringify({ ...SAMPLE, participants: [{ name: 'x', role: 'member', siteId: 'mars' }] }),
      /site "mars" is not listed/,
    ],
    ['a missing title', JSON.stringify({ ...SAMPLE, title: undefined }), /title/],
    ['duplicate site ids', JSON.stringify({ ...SAMPLE, sites: [SAMPLE.sites[0], SAMPLE.sites[0]] }), /duplicate site id/],
    ['a body that is not an object', '[1,2,3]', /expected object/],
  ])('answers 400 naming the problem for %s', async (_name, body, pattern) => {
    const before = h.app.consultations.all().length;
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(json.error.code).toBe('VALIDATION');
    expect(json.error.message).toMatch(pattern);
    expect(h.app.consultations.all().length).toBe(before);
  });

  it('answers 413 for an oversized body', async () => {
    const huge = JSON.stringify({ ...SAMPLE, title: 'x'.repeat(2 * 1024 * 1024) });
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 404 for an unknown consultation and an unknown API route', async () => {
    const res = await fetch(`${h.url}/api/consultations/doesnotexist`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
    const route = await fetch(`${h.url}/api/nothing-here`);
    expect(route.status).toBe(404);
  });

  it('answers an oversized body with 413 that a client still sending sees (not a broken connection)', async () => {
    const res = await post(JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1 MB') });
    const whip = await fetch(`${h.url}/whip/nope`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/sdp' },
      body: 'v=0\r\n' + 'a=x\r\n'.repeat(2 * 1024 * 1024),
    });
    expect(whip.status).toBe(413);
    expect((await whip.json()).error.message).toContain('64 KB');
  });

  it('serves health, Prometheus metrics and a generated OpenAPI document', async () => {
    const health = await fetch(`${h.url}/health`);
    expect(health.status).toBe(200);
    // Something to count: a request answered, one refused.
    const c = await createConsultation(h.url);
    const { socket } = await joinAs(h.url, tokenFor(c, '委员甲'));
    await request(socket, 'floor.request', {});
    await request(socket, 'floor.grant', { expectedSpeechId: null });
    socket.disconnect();
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    for (const name of [
      'consultation_consultations',
      'consultation_participants{role="member"}',
      'consultation_producers',
      'consultation_consumers',
      'consultation_requests_total{request="floor.request",outcome="ok"} 1',
      'consultation_errors_total{code="FORBIDDEN"} 1',
      'mediasoup_worker_cpu_seconds_total',
      'mediasoup_worker_max_rss_bytes',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(metrics).toContain(name);
    }
    // Prometheus's own checker accepts it, with no complaint at all.
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    expect(promtool.error).toBeUndefined();
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).toBe('');
    expect(promtool.status).toBe(0);
    const doc = await (await fetch(`${h.url}/api/docs/json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    const create = doc.paths['/api/consultations'].post;
    expect(create.requestBody.content['application/json'].schema.properties.participants.items.properties.role.enum).toEqual([
      'moderator',
      'member',
      'studio',
      'clerk',
      'observer',
    ]);
    expect(doc.paths['/api/consultations/{id}'].get).toBeDefined();
  });

  it('publishes an OpenAPI document that swagger-parser validates and redocly lints with no error', async () => {
    const doc = await (await fetch(`${h.url}/api/docs/json`)).json();
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    const file = path.join(tempDir(), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const lint = spawnSync(path.resolve('node_modules/.bin/redocly'), ['lint', file, '--format=json'], { encoding: 'utf8' });
    const report = JSON.parse(lint.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.filter((p) => p.ruleId !== 'info-license-strict')).toEqual([]);
    expect(report.totals.errors).toBe(0);
    // Every operation is named and documents a success.
    for (const [route, operations] of Object.entries(
      doc.paths as Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>,
    )) {
      for (const [method, op] of Object.entries(operations)) {
        expect(op.operationId, `${method} ${route}`).toBeTruthy();
        expect(
          Object.keys(op.responses).some((code) => code.startsWith('2')),
          `${method} ${route}`,
        ).toBe(true);
      }
    }
    expect(doc.paths['/whip/{ingestId}'].post.responses['415']).toBeDefined();
    expect(doc.paths['/api/consultations/{id}/minutes'].get.responses['400']).toBeDefined();
  });

  it('answers 404 for the recordings of a consultation it does not hold', async () => {
    const res = await fetch(`${h.url}/api/consultations/nope/recordings`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
  });
});
