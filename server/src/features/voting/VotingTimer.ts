import { AppError } from '@consult/shared';
import type { Logger } from 'pino';
import type { MotionRecord } from '../../domain/voting.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { BallotBoxes } from './BallotBoxes.js';
import { closeAtTimeLimit } from './closing.js';

/** Closes motions with a time limit when it is up; re-armed from the state after a restart. */
export class VotingTimer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly consultations: ConsultationService,
    private readonly ballots: BallotBoxes,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  armAll(): void {
    for (const state of this.consultations.all()) for (const m of Object.values(state.motions)) this.arm(state.consultation.id, m);
  }

  arm(consultationId: string, m: MotionRecord): void {
    const motionId = m.definition.id;
    const key = `${consultationId}/${motionId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (m.closesAt === null || m.status !== 'open' || this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        closeAtTimeLimit(this.consultations, this.ballots, consultationId, motionId).catch((err: unknown) => {
          if (!(err instanceof AppError)) this.log.error({ err, consultationId, motionId }, 'could not close a motion at its time limit');
        });
      },
      Math.max(0, m.closesAt - this.clock()),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
