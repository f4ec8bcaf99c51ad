/**
 * Secret ballots are verifiable by their voter and by nobody else (docs/DECISIONS.md, "Secret
 * ballots and coercion"). Each ballot is published only as a commitment: a hash of the motion,
 * a random nonce that never leaves the voter's device except to cast, and the choices. Without
 * the nonce a commitment says nothing of the choices; with it, it shows only that such a ballot
 * was cast once, since every ballot a later one overrode stays in the published list too.
 */
import { sha256Hex } from './sha256.js';
import type { MotionResult, PublishedBallots } from './voting.js';

/** The same on the device and on the server; choices in any order make the same commitment. */
export function ballotCommitment(motionId: string, nonce: string, choices: readonly string[]): string {
  return sha256Hex(JSON.stringify(['consult-ballot/1', motionId, nonce, [...choices].sort()]));
}

/** What the voter's device keeps of its last ballot to check it after the close. */
export interface BallotOpening {
  nonce: string;
  choices: string[];
}

/**
 * The device's check after the close:
 * - `counted`: its last ballot's commitment is in the list, the list holds at least as many
 *   ballots as were counted, and the counts include its choices;
 * - `missing`: its commitment is not in the list;
 * - `inconsistent`: it is, but the result cannot have counted it.
 */
export type OwnBallotCheck = 'counted' | 'missing' | 'inconsistent';

export function checkOwnBallot(
  opening: BallotOpening,
  published: PublishedBallots,
  result: Pick<MotionResult, 'counts' | 'ballots' | 'blank'>,
): OwnBallotCheck {
  if (!published.commitments.includes(ballotCommitment(published.motionId, opening.nonce, opening.choices))) return 'missing';
  if (result.ballots < 1 || result.ballots > published.commitments.length) return 'inconsistent';
  const included = opening.choices.length === 0 ? result.blank >= 1 : opening.choices.every((c) => (result.counts[c] ?? 0) >= 1);
  return included ? 'counted' : 'inconsistent';
}
