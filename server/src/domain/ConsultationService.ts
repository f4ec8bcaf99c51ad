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
 * Holds every consultation as the fold of its log. All changes go through
 * `commit`, serialised per consultation: events are built from the current state,
 * made durable in the store, and only then applied and returned to the caller.
 */
export class ConsultationService {
  private readonly states = new Map<string, ConsultationState>();
  private readonly tails = new Map<string, Promise<unknown>>();

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
   * Runs `decide` on the consultation's current state, persists the events it returns
   * and applies them. Calls for one consultation run one at a time, in arrival order.
   */
  commit<E extends { type: string; data: unknown } = ConsultationEvent>(
    id: string,
    decide: (state: ConsultationState, now: number) => E[],
  ): Promise<{ state: ConsultationState; events: StoredEvent[] }> {
    const run = async () => {
      const current = this.states.get(id);
      if (!current) throw new Error(`consultation ${id} is not loaded`);
      const at = this.clock();
      const drafts = decide(current, at);
      const events = drafts.map((d, i): StoredEvent => ({ seq: current.seq + i + 1, type: d.type, at, data: d.data }));
      if (events.length > 0) await this.store.append(id, events);
      let next = current;
      for (const event of events) next = applyEvent(next, event);
      this.states.set(id, next);
      return { state: next, events };
    };
    const previous = this.tails.get(id) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return result;
  }
}
