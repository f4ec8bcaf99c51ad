import { invalidState } from '@consult/shared';
import { motion } from '../../../domain/voting.js';
import { answer, defineAction } from '../../../actions/action.js';

/** After the close of a secret ballot: the sorted commitments each voter's device checks its last ballot against. */
export const publishedBallots = defineAction({
  name: 'motion.published',
  permission: 'session.join',
  authorize(state, _actor, { motionId }) {
    const m = motion(state.motions, motionId);
    if (m.definition.ballot !== 'secret') throw invalidState('only a secret ballot has a published list of commitments');
    if (m.status !== 'closed') throw invalidState('the commitments are published when the vote closes');
  },
  prepare: ({ motionId }, { consultationId, services }) =>
    services.ballots.published(consultationId, motion(services.consultations.get(consultationId)!.motions, motionId)),
  decide: (_state, _input, _actor, _now, published) => answer(published),
});
