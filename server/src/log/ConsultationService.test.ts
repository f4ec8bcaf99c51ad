import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { StoredEvent } from '../store/EventStore.js';
import { ConsultationService } from './ConsultationService.js';
import { EventBus, type Committed } from './EventBus.js';

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

const bus = () => new EventBus(pino({ level: 'silent' }));
const joined = (participantId: string) => ({ events: [{ type: 'attendance.joined' as const, data: { participantId } }], reply: participantId });

describe('ConsultationService.commit', () => {
  /** An in-memory store: enough for the ordering logic under test. */
  function memoryStore(delays: number[] = []) {
    const logs = new Map<string, StoredEvent[]>();
    // Like the real stores, appends land in call order (the delay models a slow fsync).
    let tail: Promise<unknown> = Promise.resolve();
    return {
      kind: 'file' as const,
      logs,
      ballots: undefined as never,
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
    const service = new ConsultationService(store, bus(), () => 7, ids());
    const { consultation } = await service.create(input);
    const seen: number[] = [];
    const commits = ['id3', 'id4', 'id3'].map((participantId) =>
      service.commit(consultation.id, (state) => {
        seen.push(state.seq);
        return joined(participantId);
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
    const service = new ConsultationService(store, bus(), () => 7, ids());
    const { consultation } = await service.create(input);
    const failing = { ...store, append: async () => Promise.reject(new Error('disk full')) };
    const broken = new ConsultationService(failing, bus(), () => 7, ids());
    await broken.load();
    await expect(broken.commit(consultation.id, () => joined('id3'))).rejects.toThrow('disk full');
    expect(broken.get(consultation.id)!.seq).toBe(1);
    await service.commit(consultation.id, () => joined('id3'));
    expect(service.get(consultation.id)!.seq).toBe(2);
  });

  it('on load, records participants the log left in the room as gone (restart)', async () => {
    const store = memoryStore();
    const first = new ConsultationService(store, bus(), () => 7, ids());
    const { consultation } = await first.create(input);
    await first.commit(consultation.id, () => joined('id3'));
    const second = new ConsultationService(store, bus(), () => 9, ids());
    // They are returned, so their places can be kept for the reconnect grace.
    expect(await second.load()).toEqual([{ consultationId: consultation.id, participantId: 'id3' }]);
    expect(store.logs.get(consultation.id)!.at(-1)).toMatchObject({ type: 'attendance.left', data: { participantId: 'id3', reason: 'restart' } });
    expect(second.get(consultation.id)!.attendance.id3!.inRoom).toBe(false);
  });
});

describe('the commit point', () => {
  it('publishes committed events on the bus once durable, before the caller hears back', async () => {
    const logs: StoredEvent[] = [];
    let hold: Promise<void> = Promise.resolve();
    let release: () => void = () => undefined;
    const store = {
      kind: 'file' as const,
      append: async (_id: string, events: readonly StoredEvent[]) => {
        await hold;
        logs.push(...events);
      },
      read: async () => logs,
      list: async () => [],
      secret: async () => 's',
      close: async () => undefined,
      ballots: undefined as never,
    };
    const events = bus();
    const published: Committed[] = [];
    events.subscribe('test', (c) => published.push(c));
    const service = new ConsultationService(store, events, () => 7, ids());
    const { consultation } = await service.create(input);
    hold = new Promise<void>((r) => (release = r));
    const committed = service.commit(consultation.id, () => joined('id3'));
    await new Promise((r) => setTimeout(r, 10));
    expect(published).toEqual([]);
    release();
    const result = await committed;
    expect(result.reply).toBe('id3');
    expect(published).toHaveLength(1);
    expect(published[0]!.events.map((e) => e.type)).toEqual(['attendance.joined']);
    // A decision with nothing to store publishes nothing.
    await service.commit(consultation.id, () => ({ events: [], reply: 'none' }));
    expect(published).toHaveLength(1);
  });
});
