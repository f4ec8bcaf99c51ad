import { randomBytes, randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { GENESIS, chainHash } from '../domain/chain.js';
import { assertStoreId } from './EventStore.js';

/**
 * Secret ballots are stored as two records that share nothing:
 *
 * - the **box**: one entry per ballot cast, hash-chained over its commitment (the only part
 *   ever published), with no voter, no id of the voter's, and no time;
 * - the **roll**: the set of participants who have voted, kept as a set (a sorted file,
 *   a Redis SET), so it holds no order and no time either.
 *
 * Neither is in the consultation log. Ballots are stored in batches of at least `MIX_SIZE`
 * voters (see `SecretBox`), and a ballot is acknowledged only once its batch is durable.
 */
export interface BoxEntry {
  /** The ballot's commitment (see @consult/shared secretBallot.ts), or random padding. Published after the close. */
  commitment: string;
  /**
   * The device's receipt and the choices: private to the server's store. Null for a ballot a later
   * one of the same device overrode before it was written, and for padding: these count nothing.
   */
  receiptHash: string | null;
  choices: string[] | null;
  prevHash: string;
  hash: string;
}

/** What the audit export and the published list show of a box entry: its commitment and chain link. */
export type PublicBoxEntry = Pick<BoxEntry, 'commitment' | 'prevHash' | 'hash'>;

/** A ballot that counts until a later one of the same device (same receipt) overrides it. */
export interface Ballot {
  receiptHash: string;
  commitment: string;
  choices: string[];
}

export interface BallotBoxBackend {
  /**
   * Makes the entries (appended in order) and then the new voters (added to the roll) durable, in
   * two writes. `eligible` is the motion's roll as snapshotted at the opening.
   */
  persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[], eligible: readonly string[]): Promise<void>;
  load(consultationId: string, motionId: string, eligible: readonly string[]): Promise<{ entries: BoxEntry[]; voters: string[] }>;
  close(): Promise<void>;
}

/** The chain link of a box entry: its commitment after the previous entry's hash (all an audit can see). */
export function boxEntryHash(prevHash: string, commitment: string): string {
  return chainHash(prevHash, { commitment });
}

/** Random padding: as many entries as a random number from 0 to the roll's size (see `SecretBox.sealAll`). */
export function paddingCommitments(eligible: number): string[] {
  return Array.from({ length: randomInt(eligible + 1) }, () => randomBytes(32).toString('hex'));
}

/**
 * How many voters' ballots are stored together, at least: the box entries of a batch are
 * shuffled and written together, then the batch's voters are added to the roll, so the stored
 * bytes (write order included: Redis's append-only file, the box file's lines) tie an entry to
 * no fewer than this many voters, or to all of them when fewer vote.
 */
export const MIX_SIZE = 10;

interface Waiting {
  /** The ballot; null when only the roll is to be completed (the entry was stored before a crash). */
  entry: Ballot | null;
  /** Commitments of this voter's earlier ballots that a change overrode before they were written. */
  overridden: string[];
  voter: string;
  sealed: Deferred;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A ballot whose voter stopped waiting must not become an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * One secret motion's box in memory: the roll, the latest ballot per receipt, the chain head,
 * and the ballots waiting for their batch. Every ballot accepted is written, the ones a change
 * overrode too (as entries that count nothing), so the published commitments hold them all.
 *
 * A new voter's ballot is accepted at once (the roll and the turnout count it, a second ballot
 * of theirs is refused) but sealed, that is written and acknowledged, with at least `mixSize`
 * others: once `2 × mixSize` wait, all but the latest `mixSize` are written, so whatever remains
 * at the close is a full batch too; when everyone on the roll has voted, or at the close,
 * everything waiting is written. A change of vote whose first entry is already stored is written
 * at once (it adds no voter to the roll, so it tells nothing of who).
 */
export class SecretBox {
  /** Voters whose ballot was accepted (stored, or waiting for its batch). */
  readonly roll = new Set<string>();
  /** The latest ballot per receipt, accepted. */
  readonly latest = new Map<string, Ballot>();
  /** Every commitment written, in order. */
  readonly commitments: string[] = [];
  entries = 0;
  headHash = GENESIS;
  /** Set when the close starts: no ballot is accepted after it. */
  closing = false;
  /** Set when a write failed: the box must be loaded again from the store. */
  broken = false;
  private waiting: Waiting[] = [];
  /** Voters and receipts already on disk. */
  private storedVoters = 0;
  private readonly storedReceipts = new Set<string>();
  private readonly sealedReceipts = new Map<string, Promise<void>>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: BallotBoxBackend,
    readonly consultationId: string,
    readonly motionId: string,
    private readonly eligible: readonly string[],
    private readonly mixSize = MIX_SIZE,
  ) {}

  static async load(backend: BallotBoxBackend, consultationId: string, motionId: string, eligible: readonly string[], mixSize = MIX_SIZE): Promise<SecretBox> {
    const box = new SecretBox(backend, consultationId, motionId, eligible, mixSize);
    const { entries, voters } = await backend.load(consultationId, motionId, eligible);
    for (const e of entries) {
      if (e.receiptHash !== null && e.choices !== null) {
        box.latest.set(e.receiptHash, { receiptHash: e.receiptHash, commitment: e.commitment, choices: e.choices });
        box.storedReceipts.add(e.receiptHash);
      }
      box.commitments.push(e.commitment);
      box.headHash = e.hash;
      box.entries++;
    }
    for (const v of voters) box.roll.add(v);
    box.storedVoters = voters.length;
    return box;
  }

  /** The smallest batch of voters written together. */
  private get batchSize(): number {
    return Math.max(1, Math.min(this.mixSize, this.eligible.length));
  }

  /**
   * A new voter's ballot (with its entry), or the roll completed for an entry stored before a
   * crash (entry null). Resolves once the voter's batch is durable.
   */
  cast(voter: string, entry: Ballot | null): Promise<void> {
    this.roll.add(voter);
    if (entry) this.latest.set(entry.receiptHash, entry);
    const waiting: Waiting = { entry, overridden: [], voter, sealed: deferred() };
    this.waiting.push(waiting);
    if (entry) this.sealedReceipts.set(entry.receiptHash, waiting.sealed.promise);
    this.release();
    return waiting.sealed.promise;
  }

  /** A voter changes their ballot (same receipt): resolves once the change is durable. */
  change(ballot: Ballot): Promise<void> {
    this.latest.set(ballot.receiptHash, ballot);
    const waiting = this.waiting.find((w) => w.entry?.receiptHash === ballot.receiptHash);
    if (waiting) {
      // Not written yet: the batch carries the new ballot, and the one it overrides as counting nothing.
      waiting.overridden.push(waiting.entry!.commitment);
      waiting.entry = ballot;
      return waiting.sealed.promise;
    }
    const written = this.write([ballot], [], []);
    this.sealedReceipts.set(ballot.receiptHash, written);
    return written;
  }

  /** Resolves once the latest choice of this receipt is durable (a retry is answered then). */
  sealed(receiptHash: string): Promise<void> {
    return this.sealedReceipts.get(receiptHash) ?? this.tail;
  }

  /**
   * The close: writes everything still waiting, then random padding (commitments of no ballot),
   * and resolves once all of it is durable. The padding hides how many ballots were overridden:
   * without it, a list with exactly one commitment per voter would show that nobody changed
   * their vote, and any ballot a voter showed would be proven counted.
   */
  sealAll(padding: readonly string[] = paddingCommitments(this.eligible.length)): Promise<void> {
    this.flush(this.waiting.length);
    if (padding.length > 0)
      void this.write(
        padding.map((commitment) => ({ commitment, receiptHash: null, choices: null })),
        [],
        [],
      );
    return this.tail;
  }

  /** Writes as many waiting ballots as the batch rule allows. */
  private release(): void {
    const k = this.batchSize;
    if (this.storedVoters + this.waiting.length >= this.eligible.length) this.flush(this.waiting.length);
    else if (this.waiting.length >= 2 * k) this.flush(this.waiting.length - k);
  }

  private flush(count: number): void {
    if (count <= 0) return;
    const batch = this.waiting.slice(0, count);
    this.waiting = this.waiting.slice(count);
    this.storedVoters += batch.length;
    const voters = batch.map((w) => w.voter);
    const entries = batch.flatMap((w): Omit<BoxEntry, 'prevHash' | 'hash'>[] => [
      ...(w.entry ? [w.entry] : []),
      ...w.overridden.map((commitment) => ({ commitment, receiptHash: null, choices: null })),
    ]);
    void this.write(shuffle(entries), voters, batch);
  }

  /** Chains the entries (in the order given) and stores them, then the voters. */
  private write(entries: Omit<BoxEntry, 'prevHash' | 'hash'>[], voters: string[], batch: Waiting[]): Promise<void> {
    const chained: BoxEntry[] = entries.map((e) => {
      const hash = boxEntryHash(this.headHash, e.commitment);
      const entry: BoxEntry = {
        commitment: e.commitment,
        receiptHash: e.receiptHash,
        choices: e.choices && [...e.choices],
        prevHash: this.headHash,
        hash,
      };
      this.headHash = hash;
      this.entries++;
      this.commitments.push(e.commitment);
      if (e.receiptHash !== null) this.storedReceipts.add(e.receiptHash);
      return entry;
    });
    // The backend keeps call order; each batch is its own write (entries first, then the roll).
    const written = this.backend.persist(this.consultationId, this.motionId, chained, shuffle([...voters]), this.eligible);
    const previous = this.tail;
    this.tail = written.then(
      () => previous,
      () => previous,
    );
    written.then(
      () => {
        for (const w of batch) w.sealed.resolve();
      },
      (err: unknown) => {
        this.broken = true;
        for (const w of [...batch, ...this.waiting]) w.sealed.reject(err as Error);
        this.waiting = [];
      },
    );
    return written;
  }

  /** Resolves once everything written so far is durable (ballots still waiting for a batch are not). */
  durable(): Promise<void> {
    return this.tail;
  }

  /** Final choices, one per receipt (a changed vote counts once). */
  finalChoices(): string[][] {
    return [...this.latest.values()].map((b) => b.choices);
  }

  /** The published list: every commitment written (counted, overridden, padding), sorted so the order says nothing. */
  published(): string[] {
    return [...this.commitments].sort();
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
 * A batch is two commands on one connection, in order: the shuffled entries, then the voters.
 * A crash between them leaves entries whose voters complete the roll by retrying.
 */
export class RedisBallotBoxBackend implements BallotBoxBackend {
  constructor(private readonly redis: Redis) {}

  async persist(consultationId: string, motionId: string, entries: BoxEntry[], voters: string[]): Promise<void> {
    // Two writes, the box first (a voter is never stored in the same command as an entry), and
    // the roll only once the entries are stored: a voter on the roll without their entry could not vote again.
    if (entries.length > 0) await this.redis.rpush(`consult:box:${consultationId}:${motionId}`, ...entries.map((e) => JSON.stringify(e)));
    if (voters.length > 0) await this.redis.sadd(`consult:roll:${consultationId}:${motionId}`, ...voters);
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
