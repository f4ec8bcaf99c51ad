import type { MediaService } from '@consult/sfu';
import type { ParsedRequest, Participant, Permission, ReplyData, RequestName } from '@consult/shared';
import type { ConsultationState, Decision } from '../domain/consultation.js';
import type { ConsultationService } from '../log/ConsultationService.js';
import type { Presence } from '../signaling/Presence.js';
import type { BallotBoxes } from '../features/voting/BallotBoxes.js';
import type { MediaVisibility } from '../features/media/visibility.js';
import type { StudioService } from '../features/studios/StudioService.js';
import type { TranscriptService } from '../features/transcript/TranscriptService.js';

/** What an action's `prepare` may use: the services that do I/O. */
export interface ActionServices {
  consultations: ConsultationService;
  media: MediaService;
  presence: Presence;
  ballots: BallotBoxes;
  studios: StudioService;
  transcripts: TranscriptService;
  visibility: MediaVisibility;
  clock: () => number;
}

/** Who asks, in which consultation, over which connection. */
export interface ActionContext {
  consultationId: string;
  actor: Participant;
  /** Whether the connection that asked is still joined (work it started while leaving is undone). */
  stillJoined: () => boolean;
  services: ActionServices;
  newId: () => string;
}

/**
 * One client→server request, defined once: its name (the contract in `shared/` gives its
 * schema), the permission it needs, and what it does.
 *
 * - `authorize` (optional, pure): checks beyond the permission, on the state and the actor
 *   (a member withdraws only their own request).
 * - `prepare` (optional): the I/O the request needs before it can be decided: the media server,
 *   the ballot box, a port to listen on. Its result is passed to `decide`.
 * - `decide` (pure, time passed in): the events to commit and the reply, run at the commit point
 *   on the state as it is then.
 * - `abandon` (optional): undoes `prepare` when the decision is refused or cannot be stored.
 *
 * `runAction` runs every request the same way: parse → find the actor → permission → authorize →
 * prepare → commit (decide, store, publish on the bus, reactions) → ack.
 */
export interface ActionDefinition<N extends RequestName, P = undefined> {
  readonly name: N;
  readonly permission: Permission;
  authorize?(state: ConsultationState, actor: Participant, input: ParsedRequest<N>): void;
  prepare?(input: ParsedRequest<N>, ctx: ActionContext): Promise<P>;
  decide(state: ConsultationState, input: ParsedRequest<N>, actor: Participant, now: number, prepared: P, newId: () => string): Decision<ReplyData[N]>;
  abandon?(prepared: P, ctx: ActionContext): void;
}

/** Declares an action (the identity function, for type inference). */
export function defineAction<N extends RequestName, P = undefined>(definition: ActionDefinition<N, P>): ActionDefinition<N, P> {
  return definition;
}

/** A decision that stores nothing and answers `reply`. */
export function answer<R>(reply: R): Decision<R> {
  return { events: [], reply };
}
