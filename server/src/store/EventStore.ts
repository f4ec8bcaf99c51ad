import type { BallotBoxBackend } from './BallotBox.js';

/** One entry of a consultation's log. `seq` starts at 1 and has no gaps. */
export interface StoredEvent<T = unknown> {
  seq: number;
  type: string;
  /** Server time (ms since epoch) when the event happened. */
  at: number;
  data: T;
}

/**
 * The consultation logs. Implementations: an append-only file per consultation
 * (embedded default) and a Redis Stream per consultation. The same contract tests
 * run against both.
 */
export interface EventStore {
  readonly kind: 'file' | 'redis';
  /**
   * Appends the events in order; resolves only once they are durable. Appends to one
   * consultation land in call order even when called before the previous one resolved.
   */
  append(consultationId: string, events: readonly StoredEvent[]): Promise<void>;
  /** The whole log of one consultation, in order. */
  read(consultationId: string): Promise<StoredEvent[]>;
  /** Ids of every consultation with a log. */
  list(): Promise<string[]>;
  /** Where secret ballots are kept, apart from the log (see BallotBox.ts). */
  readonly ballots: BallotBoxBackend;
  /** A secret shared by every server on this store, created on first use. */
  secret(name: string, create: () => string): Promise<string>;
  close(): Promise<void>;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function assertStoreId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new Error(`invalid consultation id for the store: ${JSON.stringify(id)}`);
}
