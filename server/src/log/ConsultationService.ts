import type { CreateConsultationBody } from '@consult/shared';
import { notFound } from '@consult/shared';
import type { EventStore, StoredEvent } from '../store/EventStore.js';
import {
  applyEvent,
  createConsultation,
  foldConsultation,
  participantsInRoom,
  type ConsultationState,
  type Decision,
  type LoggedEvent,
} from '../domain/consultation.js';
import { newId } from '../ids.js';
import type { EventBus } from './EventBus.js';

/** What a commit returns: the state after it, the events it stored, and the decision's answer. */
export interface CommitResult<R> {
  state: ConsultationState;
  events: LoggedEvent[];
  reply: R;
}

/**
 * Holds every consultation as the fold of its log, and is the one commit point: every change,
 * from a request (`runAction`), a timer, a departure or the transcript, goes through `commit`.
 *
 * A decision runs on the current state in arrival order and its events are applied at once, so
 * the next decision sees them (arrival order is the log order). The caller hears back only once
 * the store has made them durable; then they are published on the bus, and the reactions run.
 * Appends are pipelined: concurrent commits share the store's group commit instead of waiting
 * for each other's fsync. If the store fails, the consultation is reloaded from what it holds.
 */
export class ConsultationService {
  private readonly states = new Map<string, ConsultationState>();
  private readonly recovering = new Map<string, Promise<void>>();
  /** Per consultation, the appends not yet durable with the last seq each carries, in call order (stores keep it). */
  private readonly inflight = new Map<string, { last: number; write: Promise<void> }[]>();

  constructor(
    private readonly store: EventStore,
    private readonly bus: EventBus,
    private readonly clock: () => number = Date.now,
    private readonly makeId: () => string = newId,
  ) {}

  /**
   * Replays every log. Participants the log left in the room are recorded as gone (the server
   * stopped) and returned: they keep their place for the reconnect grace, as after a dropped link.
   */
  async load(): Promise<{ consultationId: string; participantId: string }[]> {
    const ids = await this.store.list();
    const stranded: { consultationId: string; participantId: string }[] = [];
    for (const id of ids) {
      const state = foldConsultation(await this.store.read(id));
      if (!state) continue;
      this.states.set(id, state);
      const inRoom = participantsInRoom(state);
      if (inRoom.length > 0) {
        await this.commit(id, () => ({
          events: inRoom.map((participantId) => ({ type: 'attendance.left' as const, data: { participantId, reason: 'restart' as const } })),
          reply: undefined,
        }));
        for (const participantId of inRoom) stranded.push({ consultationId: id, participantId });
      }
    }
    return stranded;
  }

  /** The consultation's log as stored (for audit exports). */
  storeRead(id: string): Promise<StoredEvent[]> {
    return this.store.read(id);
  }

  get(id: string): ConsultationState | undefined {
    return this.states.get(id);
  }

  /** The consultation as it is durably stored: waits for writes still under way (REST reads). */
  async read(id: string): Promise<ConsultationState> {
    const state = this.states.get(id);
    if (!state) throw notFound(`consultation ${id}`);
    await this.settled(id, state.seq);
    return state;
  }

  all(): ConsultationState[] {
    return [...this.states.values()];
  }

  async create(input: CreateConsultationBody): Promise<ConsultationState> {
    const consultation = createConsultation(input, this.makeId, this.clock());
    const event: LoggedEvent = { seq: 1, type: 'consultation.created', at: consultation.createdAt, data: consultation };
    await this.store.append(consultation.id, [event]);
    const state = applyEvent(undefined, event);
    this.states.set(consultation.id, state);
    return state;
  }

  /**
   * Decides on the current state, applies the events at once, and resolves once they are durable
   * and published. A decision with no events (a query, a retry, a refusal-free no-op) resolves
   * once the state it read is durable: it may show events whose write is still under way.
   */
  commit<R>(id: string, decide: (state: ConsultationState, now: number) => Decision<R>): Promise<CommitResult<R>> {
    const recovering = this.recovering.get(id);
    if (recovering) return recovering.then(() => this.commit(id, decide));
    try {
      const current = this.states.get(id);
      if (!current) throw notFound(`consultation ${id}`);
      const at = this.clock();
      const { events: drafts, reply } = decide(current, at);
      if (drafts.length === 0) return this.settled(id, current.seq).then(() => ({ state: current, events: [], reply }));
      const events = drafts.map((d, i) => ({ ...d, seq: current.seq + i + 1, at }));
      let next = current;
      for (const event of events) next = applyEvent(next, event);
      this.states.set(id, next);
      const write = this.track(id, next.seq, this.store.append(id, events));
      return write.then(
        () => {
          this.bus.publish({ consultationId: id, state: next, events });
          return { state: next, events, reply };
        },
        async (err: unknown) => {
          await this.recover(id);
          throw err;
        },
      );
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private track(id: string, last: number, write: Promise<void>): Promise<void> {
    const pending = { last, write };
    let list = this.inflight.get(id);
    if (!list) this.inflight.set(id, (list = []));
    list.push(pending);
    const forget = () => {
      const current = this.inflight.get(id);
      const index = current?.indexOf(pending) ?? -1;
      if (index >= 0) current!.splice(index, 1);
      if (current?.length === 0) this.inflight.delete(id);
    };
    write.then(forget, forget);
    return write;
  }

  /**
   * Resolves once the consultation's events up to `seq` are durable; rejects if one of them
   * could not be stored. Later writes are not waited for, so a steady stream of ballots does not
   * hold back the answers.
   */
  settled(id: string, seq: number): Promise<void> {
    const recovering = this.recovering.get(id);
    if (recovering) return recovering.then(() => this.settled(id, Math.min(seq, this.states.get(id)?.seq ?? 0)));
    // Appends become durable in call order: the first one reaching `seq` covers everything before it.
    return this.inflight.get(id)?.find((w) => w.last >= seq)?.write ?? Promise.resolve();
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
