import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store/EventStore.js';
import { applyEvent, createConsultation, foldConsultation, participantsInRoom } from './consultation.js';

const input = {
  title: 't',
  language: 'zh' as const,
  agenda: [{ title: 'a' }],
  sites: [{ id: 's', name: 'S' }],
  participants: [
    { name: 'm', role: 'moderator' as const, siteId: 's' },
    { name: 'x', role: 'member' as const, siteId: 's' },
  ],
};

function ids() {
  let n = 0;
  return () => `id${++n}`;
}

describe('consultation fold', () => {
  const consultation = createConsultation(input, ids(), 100);
  const created: StoredEvent = { seq: 1, type: 'consultation.created', at: 100, data: consultation };

  it('creates ids for the consultation, agenda and participants', () => {
    expect(consultation).toMatchObject({ id: 'id1', agenda: [{ id: 'id2', title: 'a' }], participants: [{ id: 'id3' }, { id: 'id4' }], createdAt: 100 });
  });

  it('tracks attendance: joins, leaves and time present', () => {
    const state = foldConsultation([
      created,
      { seq: 2, type: 'attendance.joined', at: 1_000, data: { participantId: 'id4' } },
      { seq: 3, type: 'attendance.left', at: 4_000, data: { participantId: 'id4', reason: 'left' } },
      { seq: 4, type: 'attendance.joined', at: 5_000, data: { participantId: 'id4' } },
    ])!;
    expect(state.attendance.id4).toEqual({ firstJoinedAt: 1_000, lastJoinedAt: 5_000, presentMs: 3_000, inRoom: true });
    expect(participantsInRoom(state)).toEqual(['id4']);
    expect(state.seq).toBe(4);
  });

  it('rejects a log with a gap or events before creation', () => {
    expect(() => foldConsultation([created, { seq: 3, type: 'attendance.joined', at: 1, data: { participantId: 'id4' } }])).toThrow(/log gap/);
    expect(() => applyEvent(undefined, { seq: 1, type: 'attendance.joined', at: 1, data: { participantId: 'x' } })).toThrow(/before consultation.created/);
  });

  it('refuses an event type no feature declares, naming the consultation and the seq', () => {
    expect(() => foldConsultation([created, { seq: 2, type: 'future.thing', at: 1, data: {} }])).toThrow(
      `consultation id1: unknown event type "future.thing" at seq 2`,
    );
  });
});
