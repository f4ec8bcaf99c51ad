import type { MyBallot, MotionView } from '@consult/shared';
import type { ConsultationState } from '../../domain/consultation.js';
import { motionView, type MotionRecord } from '../../domain/voting.js';
import type { BallotBoxes } from './BallotBoxes.js';

/** What the ballot boxes know, read before a decision: how many voted on each motion, and whether this voter did. */
export interface BallotCounts {
  voted: Record<string, number>;
  mine: Record<string, MyBallot>;
}

export function ballotCounts(ballots: BallotBoxes, state: ConsultationState, participantId: string): BallotCounts {
  const voted: Record<string, number> = {};
  for (const m of Object.values(state.motions)) voted[m.definition.id] = ballots.voted(state.consultation.id, m);
  return { voted, mine: ballots.mine(state, participantId) };
}

/** A motion as everyone sees it, with its turnout. */
export function viewOf(m: MotionRecord, counts: BallotCounts | null): MotionView {
  return motionView(m, m.definition.ballot === 'named' ? Object.keys(m.named).length : (counts?.voted[m.definition.id] ?? 0));
}
