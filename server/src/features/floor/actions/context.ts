import type { Participant } from '@consult/shared';
import type { ConsultationState, Decision } from '../../../domain/consultation.js';
import type { FloorContext, FloorEvent } from '../../../domain/floor.js';

/** What a floor decision needs from the consultation. */
export function floorContext(state: ConsultationState, actor: Participant, now: number, newId: () => string): FloorContext {
  return { consultation: state.consultation, floor: state.floor, actor, now, newId };
}

/** A floor change, answered with the version of the view it produces (every floor event bumps it by one). */
export function floorDecision<R extends object>(state: ConsultationState, events: FloorEvent[], extra: R): Decision<R & { version: number }> {
  return { events, reply: { ...extra, version: state.floor.version + events.length } };
}
