import type { MotionView, NamedChoices } from '@consult/shared';
import type { ConsultationState, Decision } from '../../domain/consultation.js';
import { applyMotionEvent, decideClose, motion, type MotionRecord } from '../../domain/voting.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { BallotBoxes, BoxSummary } from './BallotBoxes.js';
import { viewOf } from './secretTally.js';

/** A secret motion's box as sealed for its close. */
export type SealedBox = BoxSummary & { motionId: string };

/** Before the close is decided: a secret motion's box stops taking ballots and every accepted one is sealed. */
export async function prepareClose(ballots: BallotBoxes, state: ConsultationState, motionId: string): Promise<SealedBox | null> {
  const m = motion(state.motions, motionId);
  if (m.definition.ballot !== 'secret') return null;
  return { ...(await ballots.seal(state.consultation.id, m)), motionId };
}

/** The close: the result, decided on the state as it is (refused as stale if it closed meanwhile). */
export function decideCloseMotion(
  state: ConsultationState,
  motionId: string,
  actorId: string | null,
  reason: 'moderator' | 'timeout',
  now: number,
  box: SealedBox | null,
): Decision<{ motion: MotionView }> {
  const events = decideClose({ motions: state.motions, now, actorId }, motionId, reason, box);
  const closed = events.reduce((motions, e) => applyMotionEvent(motions, e), { ...state.motions })[motionId]!;
  return { events, reply: { motion: viewOf(closed, box ? { voted: { [motionId]: box.voters }, mine: {} } : null) } };
}

/** Closes a motion whose time is up (the same steps as the moderator's close). */
export async function closeAtTimeLimit(consultations: ConsultationService, ballots: BallotBoxes, consultationId: string, motionId: string): Promise<void> {
  const state = consultations.get(consultationId);
  if (state?.motions[motionId]?.status !== 'open') return;
  const box = await prepareClose(ballots, state, motionId);
  try {
    await consultations.commit(consultationId, (current, now) => decideCloseMotion(current, motionId, null, 'timeout', now, box));
  } catch (err) {
    if (box) ballots.reopen(consultationId, motionId);
    throw err;
  }
}

/** Who chose what so far on a roll-call vote. */
export function namedChoices(m: MotionRecord): NamedChoices {
  return { motionId: m.definition.id, choices: Object.fromEntries(Object.entries(m.named).map(([pid, b]) => [pid, b.choices])), eligible: m.eligible };
}
