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
  /** Per consultation, the appends not yet durable with the last seq each carries, in call order (stores keep it). */
  private readonly inflight = new Map<string, { last: number; write: Promise<void> }[]>();

  constructor(
    private readonly store: EventStore,
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
        await this.commit(id, () => inRoom.map((participantId) => ({ type: 'attendance.left', data: { participantId, reason: 'restart' } })));
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
      // Nothing new, but the decision read state whose events may still be on their way to the
      // disk (a retry of a ballot whose first write is pending): answer only once they are durable.
      if (drafts.length === 0) return this.settled(id, current.seq).then(() => ({ state: current, events: [] }));
      const events = drafts.map((d, i): StoredEvent => ({ seq: current.seq + i + 1, type: d.type, at, data: d.data }));
      let next = current;
      for (const event of events) next = applyEvent(next, event);
      this.states.set(id, next);
      const write = this.store.append(id, events);
      const pending = { last: next.seq, write };
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
      return write.then(
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

  /**
   * Resolves once the consultation's events up to `seq` (by default, all applied so far) are
   * durable; rejects if one of them could not be stored. Anything answered from the in-memory
   * state waits for this first, with the seq of the state it read: that state may show events
   * whose write is still pending (a retry finding its first ballot, a snapshot). Later writes
   * are not waited for, so a steady stream of ballots does not hold back the answers.
   */
  settled(id: string, seq = this.states.get(id)?.seq ?? 0): Promise<void> {
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
