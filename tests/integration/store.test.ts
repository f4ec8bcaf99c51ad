import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileEventStore, RedisEventStore, type EventStore, type StoredEvent } from '../../server/src/store/index.js';
import { STORES, flushRedis, redisUrl, tempDir } from '../helpers/harness.js';

const event = (seq: number, data: unknown = { n: seq }): StoredEvent => ({ seq, type: 'test.event', at: 1_000 + seq, data });

/** The same contract, run against both implementations. */
describe.each(STORES)('event store contract (%s)', (kind) => {
  let dir: string;
  let store: EventStore;
  const open = () => (kind === 'file' ? FileEventStore.open(dir) : RedisEventStore.open(redisUrl!));

  beforeEach(async () => {
    dir = tempDir();
    await flushRedis();
    store = await open();
  });
  afterEach(async () => store.close());

  it('reads back what was appended, in order, across reopen', async () => {
    await store.append('c1', [event(1), event(2)]);
    await store.append('c1', [event(3, { text: '中文 ✓', nested: { a: [1, 2] } })]);
    await store.append('c2', [event(1)]);
    await store.close();
    store = await open();
    expect((await store.read('c1')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await store.read('c1'))[2]!.data).toEqual({ text: '中文 ✓', nested: { a: [1, 2] } });
    expect((await store.list()).sort()).toEqual(['c1', 'c2']);
    expect(await store.read('missing')).toEqual([]);
  });

  it('keeps every one of many concurrent appends, in call order', async () => {
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.append('busy', [event(i + 1)])));
    const seqs = (await store.read('busy')).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('creates a secret once and returns the same one after reopen', async () => {
    const first = await store.secret('join-token', () => 'first');
    const second = await store.secret('join-token', () => 'second');
    expect(first).toBe('first');
    expect(second).toBe('first');
    await store.close();
    store = await open();
    expect(await store.secret('join-token', () => 'third')).toBe('first');
  });

  it('refuses ids that could escape the store', async () => {
    await expect(store.append('../etc', [event(1)])).rejects.toThrow(/invalid consultation id/);
  });
});

describe('file store recovery', () => {
  it('drops a torn last line (a write that was never acknowledged) and keeps the rest', async () => {
    const dir = tempDir();
    const store = await FileEventStore.open(dir);
    await store.append('c', [event(1), event(2)]);
    await store.close();
    await fs.appendFile(path.join(dir, 'consultations', 'c.log'), '{"seq":3,"type":"te');
    const reopened = await FileEventStore.open(dir);
    expect((await reopened.read('c')).map((e) => e.seq)).toEqual([1, 2]);
    await reopened.append('c', [event(3)]);
    expect((await reopened.read('c')).map((e) => e.seq)).toEqual([1, 2, 3]);
    await reopened.close();
  });
});
