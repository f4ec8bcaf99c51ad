import { speechDeadline } from '@consult/shared';
import type { Logger } from 'pino';
import { decideTimeout } from '../../domain/floor.js';
import type { ConsultationState } from '../../domain/consultation.js';
import type { ConsultationService } from '../../log/ConsultationService.js';

/**
 * One timer per consultation that closes the microphone at limit + grace. It is derived from the
 * state, so it is re-armed after every floor change and after a restart; a deadline that passed
 * while the server was down ends the speech at once, as of its deadline.
 */
export class FloorTimer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly consultations: ConsultationService,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  armAll(): void {
    for (const state of this.consultations.all()) this.arm(state);
  }

  arm(state: ConsultationState): void {
    const consultationId = state.consultation.id;
    clearTimeout(this.timers.get(consultationId));
    this.timers.delete(consultationId);
    const speech = state.floor.speech;
    const deadline = speech ? speechDeadline(speech) : null;
    if (this.closed || !speech || deadline === null) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(consultationId);
        this.consultations
          .commit(consultationId, (current, now) => ({ events: decideTimeout(current.floor, speech.id, now), reply: undefined }))
          .then(({ events, state: after }) => {
            // A pause or an extension moved the deadline meanwhile: wait for the new one.
            if (events.length === 0) this.arm(after);
          })
          .catch((err: unknown) => this.log.error({ err, consultationId }, 'could not close a speech that ran out of time'));
      },
      Math.max(0, deadline - this.clock()),
    );
    timer.unref();
    this.timers.set(consultationId, timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
