import { randomBytes } from 'node:crypto';
import type { CreateConsultationBody } from '@consult/shared';
import type { EventStore, StoredEvent } from '../store/EventStore.js';
import {
  applyEvent,
  createConsultation,
  foldConsultation,
  participantsInRoom,
  type ConsultationEvent,
  type ConsultationState,
} from './consultation.js';

/** Short random ids: 16 base32-ish characters, safe in URLs and file names. */
export function newId(): string {
  return randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').toLowerCase().slice(0, 14);
}

/**
 * Holds every consultation as the fold of its log. All changes go through `commit`:
 * events are decided from the current state in arrival order, and the caller hears
 * back only once they are durable in the store.
 */
export class ConsultationService {
  private readonly states = new Map<string, ConsultationState>();
  private readonly recovering = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: () => number = Date.now,
    private readonly makeId: () => string = newId,
  ) {}

  /** Replays every log. Participants the log left in the room are recorded as gone (the server stopped). */
  async load(): Promise<number> {
    const ids = await this.store.list();
    for (const id of ids) {
      const state = foldConsultation(await this.store.read(id));
      if (!state) continue;
      this.states.set(id, state);
      const stranded = participantsInRoom(state);
      if (stranded.length > 0) {
        await this.commit(id, () => stranded.map((participantId) => ({ type: 'attendance.left', data: { participantId, reason: 'restart' } })));
      }
    }
    return this.states.size;
  }

  /** The consultation's log as stored (for audit exports). */
  storeRead(id: string): Promise<StoredEvent[]> {
    return this.store.read(id);
  }

  get(id: string): ConsultationState | undefined {
    return this.states.get(id);
  }

  all(): ConsultationState[] {
    return [...this.states.values()];
  }

  async create(input: CreateConsultationBody): Promise<ConsultationState> {
    const consultation = createConsultation(input, this.makeId, this.clock());
    const event: StoredEvent = { seq: 1, type: 'consultation.created', at: consultation.createdAt, data: consultation };
    await this.store.append(consultation.id, [event]);
    const state = applyEvent(undefined, event);
    this.states.set(consultation.id, state);
    return state;
  }

  /**
   * Runs `decide` on the consultation's current state, applies the events it returns at
   * once (so the next decision sees them: arrival order is the log order), and resolves
   * only when the store has made them durable. Appends are pipelined: concurrent commits
   * share the store's group commit instead of waiting for each other's fsync.
   * If the store fails, the consultation is reloaded from what the store holds.
   */
  commit<E extends { type: string; data: unknown } = ConsultationEvent>(
    id: string,
    decide: (state: ConsultationState, now: number) => E[],
  ): Promise<{ state: ConsultationState; events: StoredEvent[] }> {
    const recovering = this.recovering.get(id);
    if (recovering) return recovering.then(() => this.commit(id, decide));
    try {
      const current = this.states.get(id);
      if (!current) throw new Error(`consultation ${id} is not loaded`);
      const at = this.clock();
      const drafts = decide(current, at);
      if (drafts.length === 0) return Promise.resolve({ state: current, events: [] });
      const events = drafts.map((d, i): StoredEvent => ({ seq: current.seq + i + 1, type: d.type, at, data: d.data }));
      let next = current;
      for (const event of events) next = applyEvent(next, event);
      this.states.set(id, next);
      return this.store.append(id, events).then(
        () => ({ state: next, events }),
        async (err: unknown) => {
          await this.recover(id);
          throw err;
        },
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** After a failed append: what the store holds is the truth; later commits wait for the reload. */
  private recover(id: string): Promise<void> {
    let pending = this.recovering.get(id);
    if (!pending) {
      pending = (async () => {
        try {
          const state = foldConsultation(await this.store.read(id));
          if (state) this.states.set(id, state);
        } finally {
          this.recovering.delete(id);
        }
      })();
      this.recovering.set(id, pending);
    }
    return pending;
  }
}
