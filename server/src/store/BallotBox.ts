import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { GENESIS, chainHash } from '../domain/chain.js';
import { assertStoreId } from './EventStore.js';

/**
 * Secret ballots are stored as two records that share nothing:
 *
 * - the **box**: (receipt hash, choices) entries, hash-chained, with no voter, no id of
 *   the voter's, and no time;
 * - the **roll**: the set of participants who have voted, kept as a set (a sorted file,
 *   a Redis SET), so it holds no order and no time either.
 *
 * Neither is in the consultation log. A ballot is acknowledged only once both are durable.
 */
export interface BoxEntry {
  receiptHash: string;
  choices: string[];
  prevHash: string;
  hash: string;
}

export interface BallotBoxBackend {
  /** Makes the entries (appended in order) and the new voters (added to the roll) durable. */
  /** `eligible` is the motion's roll as snapshotted at the opening. */
  persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[], eligible: readonly string[]): Promise<void>;
  load(consultationId: string, motionId: string, eligible: readonly string[]): Promise<{ entries: BoxEntry[]; voters: string[] }>;
  close(): Promise<void>;
}

/** The chain link of a box entry: its receipt hash and choices, after the previous entry's hash. */
export function boxEntryHash(prevHash: string, receiptHash: string, choices: readonly string[]): string {
  return chainHash(prevHash, { receiptHash, choices });
}

/**
 * One secret motion's box in memory: the roll, the latest choice per receipt, the chain
 * head. Changes are decided synchronously in arrival order and persisted pipelined.
 */
export class SecretBox {
  readonly roll = new Set<string>();
  readonly latest = new Map<string, string[]>();
  entries = 0;
  headHash = GENESIS;
  /** Set when the close starts: no ballot is accepted after it. */
  closing = false;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: BallotBoxBackend,
    readonly consultationId: string,
    readonly motionId: string,
    private readonly eligible: readonly string[],
  ) {}

  static async load(backend: BallotBoxBackend, consultationId: string, motionId: string, eligible: readonly string[]): Promise<SecretBox> {
    const box = new SecretBox(backend, consultationId, motionId, eligible);
    const { entries, voters } = await backend.load(consultationId, motionId, eligible);
    for (const e of entries) {
      box.latest.set(e.receiptHash, e.choices);
      box.headHash = e.hash;
      box.entries++;
    }
    for (const v of voters) box.roll.add(v);
    return box;
  }

  /** Records a ballot (an entry, a voter, or both) and resolves once it is durable. */
  record(entry: { receiptHash: string; choices: string[] } | null, voter: string | null): Promise<void> {
    const entries: BoxEntry[] = [];
    if (entry) {
      const hash = boxEntryHash(this.headHash, entry.receiptHash, entry.choices);
      entries.push({ ...entry, prevHash: this.headHash, hash });
      this.headHash = hash;
      this.entries++;
      this.latest.set(entry.receiptHash, entry.choices);
    }
    if (voter) this.roll.add(voter);
    // The backend keeps call order and shares one write among concurrent ballots (group commit).
    const write = this.backend.persist(this.consultationId, this.motionId, entries, voter ? [voter] : [], this.eligible);
    const previous = this.tail;
    this.tail = write.then(
      () => previous,
      () => previous,
    );
    return write;
  }

  /** Resolves once everything recorded so far is durable. */
  durable(): Promise<void> {
    return this.tail;
  }

  /** Final choices, one per receipt (a changed vote counts once). */
  finalChoices(): string[][] {
    return [...this.latest.values()];
  }

  /** The published list: (receipt hash, choice) pairs, sorted by hash so the order says nothing. */
  published(): { receiptHash: string; choices: string[] }[] {
    return [...this.latest.entries()].map(([receiptHash, choices]) => ({ receiptHash, choices })).sort((a, b) => (a.receiptHash < b.receiptHash ? -1 : 1));
  }
}

interface Pending {
  entries: BoxEntry[];
  voters: string[];
  resolve: () => void;
  reject: (err: Error) => void;
}

interface MotionFiles {
  box: fs.FileHandle;
  roll: fs.FileHandle;
  /** Slot of each eligible voter in the roll file (the eligible list is sorted, so slots say nothing of order). */
  slots: Map<string, number>;
  /** The roll as last made durable: one byte per eligible voter, '1' once they have voted. */
  rollBytes: Buffer;
  pending: Pending[];
  flushing: boolean;
}

/**
 * Embedded backend: `DATA_DIR/ballots/<consultation>/<motion>.box` (one JSON entry per
 * line, appended, fdatasync) and `<motion>.roll`: one byte per eligible voter in the
 * sorted eligible list, '1' once they have voted. The roll is rewritten in place, so it
 * holds no order and no time. Concurrent ballots share one write of each (group commit),
 * and the box is durable before the roll: a crash between the two leaves an entry whose
 * voter can complete the roll by retrying with the same ballot secret.
 */
export class FileBallotBoxBackend implements BallotBoxBackend {
  private readonly motions = new Map<string, Promise<MotionFiles>>();

  constructor(private readonly dataDir: string) {}

  private paths(consultationId: string, motionId: string) {
    assertStoreId(consultationId);
    assertStoreId(motionId);
    const dir = path.join(this.dataDir, 'ballots', consultationId);
    return { dir, box: path.join(dir, `${motionId}.box`), roll: path.join(dir, `${motionId}.roll`) };
  }

  private files(consultationId: string, motionId: string, eligible: readonly string[]): Promise<MotionFiles> {
    const key = `${consultationId}/${motionId}`;
    let files = this.motions.get(key);
    if (!files) {
      files = (async () => {
        const p = this.paths(consultationId, motionId);
        await fs.mkdir(p.dir, { recursive: true });
        const sorted = [...eligible].sort();
        const rollBytes = Buffer.alloc(sorted.length, 0x30);
        const existing = await fs.readFile(p.roll).catch(() => undefined);
        if (existing) existing.copy(rollBytes, 0, 0, Math.min(existing.length, rollBytes.length));
        const roll = await fs.open(p.roll, existing ? 'r+' : 'w+');
        if (!existing) {
          await roll.write(rollBytes, 0, rollBytes.length, 0);
          await roll.datasync();
        }
        return { box: await fs.open(p.box, 'a'), roll, slots: new Map(sorted.map((id, i) => [id, i])), rollBytes, pending: [], flushing: false };
      })();
      this.motions.set(key, files);
      files.catch(() => this.motions.delete(key));
    }
    return files;
  }

  async persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[], eligible: readonly string[] = []): Promise<void> {
    const files = await this.files(consultationId, motionId, eligible);
    return new Promise((resolve, reject) => {
      files.pending.push({ entries, voters, resolve, reject });
      if (!files.flushing) void this.flush(files);
    });
  }

  private async flush(files: MotionFiles): Promise<void> {
    files.flushing = true;
    while (files.pending.length > 0) {
      const batch = files.pending;
      files.pending = [];
      try {
        const lines = batch.flatMap((p) => p.entries.map((e) => JSON.stringify(e) + '\n')).join('');
        if (lines) {
          await files.box.write(lines);
          await files.box.datasync();
        }
        const voters = batch.flatMap((p) => p.voters);
        if (voters.length > 0) {
          const next = Buffer.from(files.rollBytes);
          for (const v of voters) {
            const slot = files.slots.get(v);
            if (slot === undefined) throw new Error(`voter ${v} is not on the roll of this motion`);
            next[slot] = 0x31;
          }
          await files.roll.write(next, 0, next.length, 0);
          await files.roll.datasync();
          files.rollBytes = next;
        }
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err as Error);
      }
    }
    files.flushing = false;
  }

  async load(consultationId: string, motionId: string, eligible: readonly string[] = []): Promise<{ entries: BoxEntry[]; voters: string[] }> {
    const p = this.paths(consultationId, motionId);
    let text = '';
    try {
      text = await fs.readFile(p.box, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const entries: BoxEntry[] = [];
    const lines = text.split('\n').filter((l) => l !== '');
    for (let i = 0; i < lines.length; i++) {
      try {
        entries.push(JSON.parse(lines[i]!) as BoxEntry);
      } catch {
        // A torn last line (crash mid-write) was never acknowledged.
        if (i !== lines.length - 1) throw new Error(`corrupt ballot box ${p.box} at line ${i + 1}`);
      }
    }
    const sorted = [...eligible].sort();
    const bytes = await fs.readFile(p.roll).catch(() => Buffer.alloc(0));
    return { entries, voters: sorted.filter((_, i) => bytes[i] === 0x31) };
  }

  async close(): Promise<void> {
    for (const pending of this.motions.values()) {
      const files = await pending.catch(() => undefined);
      if (!files) continue;
      while (files.flushing) await new Promise((r) => setTimeout(r, 5));
      await files.box.close().catch(() => undefined);
      await files.roll.close().catch(() => undefined);
    }
    this.motions.clear();
  }
}

/**
 * Redis backend: the box is a LIST `consult:box:<consultation>:<motion>` (a list, not a
 * stream: stream ids carry the time), the roll a SET `consult:roll:<consultation>:<motion>`.
 * Each ballot is one MULTI/EXEC, so the entry and the voter are stored together or not at all.
 */
export class RedisBallotBoxBackend implements BallotBoxBackend {
  constructor(private readonly redis: Redis) {}

  async persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[]): Promise<void> {
    if (entries.length === 0 && voters.length === 0) return;
    const tx = this.redis.multi();
    if (entries.length > 0) tx.rpush(`consult:box:${consultationId}:${motionId}`, ...entries.map((e) => JSON.stringify(e)));
    if (voters.length > 0) tx.sadd(`consult:roll:${consultationId}:${motionId}`, ...voters);
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('redis transaction aborted');
  }

  async load(consultationId: string, motionId: string): Promise<{ entries: BoxEntry[]; voters: string[] }> {
    const [entries, voters] = await Promise.all([
      this.redis.lrange(`consult:box:${consultationId}:${motionId}`, 0, -1),
      this.redis.smembers(`consult:roll:${consultationId}:${motionId}`),
    ]);
    return { entries: entries.map((e) => JSON.parse(e) as BoxEntry), voters };
  }

  async close(): Promise<void> {}
}
