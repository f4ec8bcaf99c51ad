import type { Logger } from 'pino';
import type { ConsultationState, LoggedEvent } from '../domain/consultation.js';

/** Events of one consultation, just made durable, with the state they produced. */
export interface Committed {
  consultationId: string;
  state: ConsultationState;
  events: readonly LoggedEvent[];
}

export type Reaction = (committed: Committed) => void;

/**
 * The in-process bus the commit point publishes on. Every feature's `reactions.ts` subscribes:
 * broadcasts, the SFU's microphone rule, the transcript following the floor, studio visibility.
 * A reaction is called synchronously, in subscription order, before the commit resolves; one
 * with asynchronous work keeps its own order per consultation. A reaction that throws is logged
 * and does not stop the others.
 */
export class EventBus {
  private readonly reactions: { name: string; reaction: Reaction }[] = [];

  constructor(private readonly log: Logger) {}

  subscribe(name: string, reaction: Reaction): void {
    this.reactions.push({ name, reaction });
  }

  publish(committed: Committed): void {
    if (committed.events.length === 0) return;
    for (const { name, reaction } of this.reactions) {
      try {
        reaction(committed);
      } catch (err) {
        this.log.error({ err, reaction: name, consultationId: committed.consultationId }, 'a reaction failed');
      }
    }
  }
}
