import { describe, expect, it } from 'vitest';
import { MIX_SIZE, SecretBox, type BallotBoxBackend, type BoxEntry } from './BallotBox.js';

/** A backend that records each write and completes it when told to. */
function recordingBackend() {
  const writes: { entries: BoxEntry[]; voters: string[] }[] = [];
  const backend: BallotBoxBackend = {
    persist: async (_c, _m, entries, voters) => {
      writes.push({ entries, voters });
    },
    load: async () => ({ entries: [], voters: [] }),
    close: async () => undefined,
  };
  return { backend, writes };
}

const voters = (n: number) => Array.from({ length: n }, (_, i) => `v${String(i).padStart(3, '0')}`);
const entry = (i: number, choices = [i % 2 ? 'for' : 'against']) => ({ receiptHash: `r${i}`, commitment: `c${i}/${choices.join()}`, choices });
/** Entries that count: not overridden, not padding. */
const counting = (entries: BoxEntry[]) => entries.filter((e) => e.receiptHash !== null);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('secret ballots are sealed in batches', () => {
  it('writes nothing until 20 wait, then all but the latest 10; the close writes the rest', async () => {
    const { backend, writes } = recordingBackend();
    const eligible = voters(50);
    const box = new SecretBox(backend, 'c', 'm', eligible);
    const sealed: boolean[] = [];
    for (let i = 0; i < 19; i++) void box.cast(eligible[i]!, entry(i)).then(() => (sealed[i] = true));
    await settle();
    expect(writes).toEqual([]);
    expect(box.roll.size).toBe(19);
    void box.cast(eligible[19]!, entry(19)).then(() => (sealed[19] = true));
    await settle();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.voters.sort()).toEqual(eligible.slice(0, 10));
    expect(writes[0]!.entries.map((e) => e.receiptHash).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`).sort());
    expect(sealed.filter(Boolean)).toHaveLength(10);
    // Five more arrive; the close writes the fifteen still waiting together.
    for (let i = 20; i < 25; i++) void box.cast(eligible[i]!, entry(i));
    await box.sealAll(['p1', 'p2']);
    // The fifteen, then the padding.
    expect(writes).toHaveLength(3);
    expect(writes[1]!.voters).toHaveLength(15);
    expect(Math.min(...writes.slice(0, 2).map((w) => w.voters.length))).toBeGreaterThanOrEqual(MIX_SIZE);
    expect(writes[2]).toMatchObject({ voters: [], entries: [{ commitment: 'p1', receiptHash: null, choices: null }, { commitment: 'p2' }] });
    // The chain runs through the written order.
    const all = writes.flatMap((w) => w.entries);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    expect(box.entries).toBe(27);
    expect(box.headHash).toBe(all.at(-1)!.hash);
    expect(box.published()).toEqual(all.map((e) => e.commitment).sort());
    expect(box.finalChoices()).toHaveLength(25);
  });

  it('writes at once when everyone on the roll has voted (a small committee is one batch)', async () => {
    const { backend, writes } = recordingBackend();
    const eligible = voters(4);
    const box = new SecretBox(backend, 'c', 'm', eligible);
    const done = eligible.map((v, i) => box.cast(v, entry(i)));
    await Promise.all(done);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.voters).toHaveLength(4);
  });

  it('folds a change into the waiting ballot, keeping the overridden commitment, and writes a change of a sealed ballot alone, with no voter', async () => {
    const { backend, writes } = recordingBackend();
    const eligible = voters(3);
    const box = new SecretBox(backend, 'c', 'm', eligible);
    const first = box.cast(eligible[0]!, entry(0));
    const changedWhileWaiting = box.change(entry(0, ['abstain']));
    expect(changedWhileWaiting).toBe(first);
    void box.cast(eligible[1]!, entry(1));
    await box.cast(eligible[2]!, entry(2));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.entries.find((e) => e.receiptHash === 'r0')?.choices).toEqual(['abstain']);
    // The overridden ballot is written too, as counting nothing: its commitment will be published like any other.
    expect(writes[0]!.entries.find((e) => e.commitment === 'c0/against')).toMatchObject({ receiptHash: null, choices: null });
    expect(counting(writes[0]!.entries)).toHaveLength(3);
    await box.change(entry(1, ['abstain']));
    expect(writes[1]).toMatchObject({ voters: [], entries: [{ receiptHash: 'r1', commitment: 'c1/abstain', choices: ['abstain'] }] });
    expect(box.finalChoices().filter((c) => c[0] === 'abstain')).toHaveLength(2);
    expect(box.published()).toEqual(['c0/abstain', 'c0/against', 'c1/abstain', 'c1/for', 'c2/against']);
  });

  it('after a reload, the latest ballot of each receipt counts, and overridden ones and padding count nothing', async () => {
    const { backend, writes } = recordingBackend();
    const eligible = voters(2);
    const box = new SecretBox(backend, 'c', 'm', eligible);
    const first = box.cast(eligible[0]!, entry(0));
    void box.change(entry(0, ['abstain']));
    await Promise.all([first, box.cast(eligible[1]!, entry(1))]);
    await box.change(entry(1, ['against']));
    await box.sealAll(['p']);
    const stored = writes.flatMap((w) => w.entries);
    const reloaded = await SecretBox.load({ ...backend, load: async () => ({ entries: stored, voters: eligible }) }, 'c', 'm', eligible);
    expect(reloaded.finalChoices().sort()).toEqual([['abstain'], ['against']]);
    expect(reloaded.published()).toEqual(box.published());
    expect(reloaded.published()).toHaveLength(5);
    expect(reloaded.headHash).toBe(box.headHash);
  });

  it('a failed write fails every ballot waiting and marks the box for reloading', async () => {
    const backend: BallotBoxBackend = {
      persist: async () => Promise.reject(new Error('disk full')),
      load: async () => ({ entries: [], voters: [] }),
      close: async () => undefined,
    };
    const box = new SecretBox(backend, 'c', 'm', voters(2));
    const a = box.cast('v000', entry(0));
    const b = box.cast('v001', entry(1));
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    expect(box.broken).toBe(true);
  });
});
