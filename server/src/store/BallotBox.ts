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
  persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[]): Promise<void>;
  load(consultationId: string, motionId: string): Promise<{ entries: BoxEntry[]; voters: string[] }>;
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
  ) {}

  static async load(backend: BallotBoxBackend, consultationId: string, motionId: string): Promise<SecretBox> {
    const box = new SecretBox(backend, consultationId, motionId);
    const { entries, voters } = await backend.load(consultationId, motionId);
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
    const write = this.tail.then(() => this.backend.persist(this.consultationId, this.motionId, entries, voter ? [voter] : []));
    this.tail = write.catch(() => undefined);
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

/**
 * Embedded backend: `DATA_DIR/ballots/<consultation>/<motion>.box` (one JSON entry per
 * line, appended, fdatasync) and `<motion>.roll` (the sorted voter set, replaced
 * atomically). Concurrent ballots of a motion share one write of each (group commit).
 */
export class FileBallotBoxBackend implements BallotBoxBackend {
  private readonly queues = new Map<string, { pending: Pending[]; flushing: boolean; roll: Set<string> | undefined }>();

  constructor(private readonly dataDir: string) {}

  private paths(consultationId: string, motionId: string) {
    assertStoreId(consultationId);
    assertStoreId(motionId);
    const dir = path.join(this.dataDir, 'ballots', consultationId);
    return { dir, box: path.join(dir, `${motionId}.box`), roll: path.join(dir, `${motionId}.roll`) };
  }

  persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[]): Promise<void> {
    const key = `${consultationId}/${motionId}`;
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { pending: [], flushing: false, roll: undefined }));
    const q = queue;
    return new Promise((resolve, reject) => {
      q.pending.push({ entries, voters, resolve, reject });
      if (!q.flushing) void this.flush(consultationId, motionId, q);
    });
  }

  private async flush(consultationId: string, motionId: string, q: { pending: Pending[]; flushing: boolean; roll: Set<string> | undefined }): Promise<void> {
    q.flushing = true;
    const files = this.paths(consultationId, motionId);
    while (q.pending.length > 0) {
      const batch = q.pending;
      q.pending = [];
      try {
        await fs.mkdir(files.dir, { recursive: true });
        q.roll ??= new Set(await readRoll(files.roll));
        const lines = batch.flatMap((p) => p.entries.map((e) => JSON.stringify(e) + '\n')).join('');
        if (lines) {
          const handle = await fs.open(files.box, 'a');
          try {
            await handle.write(lines);
            await handle.datasync();
          } finally {
            await handle.close();
          }
        }
        const newVoters = batch.flatMap((p) => p.voters).filter((v) => !q.roll!.has(v));
        if (newVoters.length > 0) {
          const roll = new Set([...q.roll, ...newVoters]);
          const tmp = `${files.roll}.tmp`;
          const handle = await fs.open(tmp, 'w');
          try {
            await handle.write(JSON.stringify([...roll].sort()));
            await handle.datasync();
          } finally {
            await handle.close();
          }
          await fs.rename(tmp, files.roll);
          const dir = await fs.open(files.dir, 'r');
          await dir.sync().finally(() => dir.close());
          q.roll = roll;
        }
        for (const p of batch) p.resolve();
      } catch (err) {
        q.roll = undefined;
        for (const p of batch) p.reject(err as Error);
      }
    }
    q.flushing = false;
  }

  async load(consultationId: string, motionId: string): Promise<{ entries: BoxEntry[]; voters: string[] }> {
    const files = this.paths(consultationId, motionId);
    let text = '';
    try {
      text = await fs.readFile(files.box, 'utf8');
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
        if (i !== lines.length - 1) throw new Error(`corrupt ballot box ${files.box} at line ${i + 1}`);
      }
    }
    return { entries, voters: await readRoll(files.roll) };
  }

  async close(): Promise<void> {
    for (;;) {
      if (![...this.queues.values()].some((q) => q.flushing)) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function readRoll(file: string): Promise<string[]> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as string[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
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
