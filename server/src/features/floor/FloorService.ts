import { EventEmitter } from 'node:events';
import { notFound, speechDeadline, type FloorView, type Participant, type SpeechReport } from '@consult/shared';
import type { Logger } from 'pino';
import type { ConsultationService } from '../../domain/ConsultationService.js';
import type { ConsultationState, LeaveReason } from '../../domain/consultation.js';
import { FLOOR_EVENT_TYPES, decideDeparture, decideTimeout, floorView, speechReport, type FloorContext, type FloorEvent } from '../../domain/floor.js';
import type { StoredEvent } from '../../store/EventStore.js';

export interface FloorServiceEvents {
  /** Floor events were stored and applied: broadcast the view, enforce the microphones. */
  changed: [{ consultationId: string; state: ConsultationState; events: StoredEvent[] }];
}

/**
 * Runs floor decisions through the consultation log and keeps the one timer per
 * consultation that closes the microphone at limit + grace. The timer is derived from
 * the state, so it is re-armed after a restart and after every pause, resume or extension.
 */
export class FloorService extends EventEmitter<FloorServiceEvents> {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly consultations: ConsultationService,
    private readonly newId: () => string,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {
    super();
  }

  private state(consultationId: string): ConsultationState {
    const state = this.consultations.get(consultationId);
    if (!state) throw notFound(`consultation ${consultationId}`);
    return state;
  }

  view(consultationId: string): FloorView {
    return floorView(this.state(consultationId).floor);
  }

  report(consultationId: string, now: number): SpeechReport {
    const state = this.state(consultationId);
    return speechReport(state.consultation, state.floor, now);
  }

  /**
   * Decides with the current state, stores the events, applies them, tells listeners,
   * and only then resolves: the caller's ack means "stored".
   */
  async act<R>(
    consultationId: string,
    actor: Participant,
    decide: (ctx: FloorContext) => { events: FloorEvent[]; result: R },
  ): Promise<{ result: R; version: number }> {
    let result!: R;
    const { state, events } = await this.consultations.commit(consultationId, (current, now) => {
      const decision = decide({ consultation: current.consultation, floor: current.floor, actor, now, newId: this.newId });
      result = decision.result;
      return decision.events;
    });
    if (events.length > 0) this.changed(consultationId, state, events);
    return { result, version: state.floor.version };
  }

  /**
   * A participant has left the consultation: the log records it (unless it already shows them
   * gone, as after a restart), their queue entries are withdrawn and a speech they hold ends.
   */
  async depart(consultationId: string, participantId: string, reason: LeaveReason): Promise<void> {
    const { state, events } = await this.consultations.commit(consultationId, (current, now) => [
      ...(current.attendance[participantId]?.inRoom ? [{ type: 'attendance.left' as const, data: { participantId, reason } }] : []),
      ...decideDeparture(current.floor, participantId, now),
    ]);
    if (events.some((e) => FLOOR_EVENT_TYPES.has(e.type))) this.changed(consultationId, state, events);
  }

  private changed(consultationId: string, state: ConsultationState, events: StoredEvent[]): void {
    this.arm(consultationId);
    this.emit('changed', { consultationId, state, events });
  }

  /** Arms every consultation's timer (after a restart: a deadline that passed meanwhile fires at once). */
  armAll(): void {
    for (const state of this.consultations.all()) this.arm(state.consultation.id);
  }

  private arm(consultationId: string): void {
    const existing = this.timers.get(consultationId);
    if (existing) clearTimeout(existing);
    this.timers.delete(consultationId);
    if (this.closed) return;
    const speech = this.consultations.get(consultationId)?.floor.speech;
    const deadline = speech ? speechDeadline(speech) : null;
    if (!speech || deadline === null) return;
    const timer = setTimeout(() => {
      this.timers.delete(consultationId);
      this.timeout(consultationId, speech.id).catch((err: unknown) => this.log.error({ err, consultationId }, 'could not close a speech that ran out of time'));
    }, Math.max(0, deadline - this.clock()));
    timer.unref();
    this.timers.set(consultationId, timer);
  }

  private async timeout(consultationId: string, speechId: string): Promise<void> {
    const { state, events } = await this.consultations.commit(consultationId, (current, now) => decideTimeout(current.floor, speechId, now));
    if (events.length > 0) this.changed(consultationId, state, events);
    else this.arm(consultationId);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

export function hasFloorEvents(events: readonly StoredEvent[]): boolean {
  return events.some((e) => FLOOR_EVENT_TYPES.has(e.type));
}
