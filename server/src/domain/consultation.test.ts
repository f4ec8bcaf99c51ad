import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store/EventStore.js';
import { ConsultationService } from './ConsultationService.js';
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

  it('keeps unknown event types (later features) without losing the sequence', () => {
    const state = foldConsultation([created, { seq: 2, type: 'future.thing', at: 1, data: {} }])!;
    expect(state.seq).toBe(2);
  });
});

describe('ConsultationService.commit', () => {
  /** An in-memory store: enough for the ordering logic under test. */
  function memoryStore(delays: number[] = []) {
    const logs = new Map<string, StoredEvent[]>();
    // Like the real stores, appends land in call order (the delay models a slow fsync).
    let tail: Promise<unknown> = Promise.resolve();
    return {
      kind: 'file' as const,
      logs,
      append(id: string, events: readonly StoredEvent[]) {
        const delay = delays.shift() ?? 0;
        const done = tail.then(async () => {
          await new Promise((r) => setTimeout(r, delay));
          logs.set(id, [...(logs.get(id) ?? []), ...events]);
        });
        tail = done.catch(() => undefined);
        return done;
      },
      async read(id: string) {
        return logs.get(id) ?? [];
      },
      async list() {
        return [...logs.keys()];
      },
      async secret() {
        return 's';
      },
      async close() {},
    };
  }

  it('decides commits in call order, pipelined, and resolves each only once it is stored', async () => {
    const store = memoryStore([0, 30, 0, 0]);
    const service = new ConsultationService(store, () => 7, ids());
    const { consultation } = await service.create(input);
    const seen: number[] = [];
    const commits = ['id3', 'id4', 'id3'].map((participantId) =>
      service.commit(consultation.id, (state) => {
        seen.push(state.seq);
        return [{ type: 'attendance.joined', data: { participantId } }];
      }),
    );
    // All three were decided at once, each on top of the previous one, before any write finished.
    expect(seen).toEqual([1, 2, 3]);
    const first = await commits[0]!;
    expect(store.logs.get(consultation.id)!.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.state.seq).toBe(2);
    await Promise.all(commits);
    expect(store.logs.get(consultation.id)!.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(service.get(consultation.id)!.seq).toBe(4);
  });

  it('reloads from the store when a write fails, so what was not stored is not kept', async () => {
    const store = memoryStore();
    const service = new ConsultationService(store, () => 7, ids());
    const { consultation } = await service.create(input);
    const failing = { ...store, append: async () => Promise.reject(new Error('disk full')) };
    const broken = new ConsultationService(failing, () => 7, ids());
    await broken.load();
    await expect(broken.commit(consultation.id, () => [{ type: 'attendance.joined', data: { participantId: 'id3' } }])).rejects.toThrow('disk full');
    expect(broken.get(consultation.id)!.seq).toBe(1);
    await service.commit(consultation.id, () => [{ type: 'attendance.joined', data: { participantId: 'id3' } }]);
    expect(service.get(consultation.id)!.seq).toBe(2);
  });

  it('on load, records participants the log left in the room as gone (restart)', async () => {
    const store = memoryStore();
    const first = new ConsultationService(store, () => 7, ids());
    const { consultation } = await first.create(input);
    await first.commit(consultation.id, () => [{ type: 'attendance.joined', data: { participantId: 'id3' } }]);
    const second = new ConsultationService(store, () => 9, ids());
    // They are returned, so their places can be kept for the reconnect grace.
    expect(await second.load()).toEqual([{ consultationId: consultation.id, participantId: 'id3' }]);
    expect(store.logs.get(consultation.id)!.at(-1)).toMatchObject({ type: 'attendance.left', data: { participantId: 'id3', reason: 'restart' } });
    expect(second.get(consultation.id)!.attendance.id3!.inRoom).toBe(false);
  });
});
