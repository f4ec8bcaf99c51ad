import { AppError, ErrorCode, type VoteReceipt } from '@consult/shared';
import { decideNamedVote, motion } from '../../../domain/voting.js';
import { answer, defineAction } from '../../../actions/action.js';
import { votingContext } from './context.js';

/**
 * A ballot. Named: an event of the log (a retry with the same ballot id is answered as the first,
 * once it is durable). Secret: into the ballot box, apart from the log, answered once sealed.
 */
export const castVote = defineAction({
  name: 'motion.vote',
  permission: 'motion.vote',
  authorize(state, _actor, { motionId, ballotSecret, ballotNonce }) {
    if (motion(state.motions, motionId).definition.ballot === 'named' && (ballotSecret !== undefined || ballotNonce !== undefined))
      throw new AppError(ErrorCode.VALIDATION, 'a named ballot takes no ballot secret nor nonce');
  },
  async prepare(input, { consultationId, actor, services }): Promise<VoteReceipt | null> {
    const m = motion(services.consultations.get(consultationId)!.motions, input.motionId);
    return m.definition.ballot === 'secret' ? services.ballots.cast(consultationId, actor, input) : null;
  },
  decide(state, { motionId, ballotId, choices }, actor, now, secret) {
    if (secret) return answer(secret);
    const { events, changed } = decideNamedVote(votingContext(state, actor, now), motionId, ballotId, choices);
    return { events, reply: { recorded: true, changed, commitment: null } };
  },
});
