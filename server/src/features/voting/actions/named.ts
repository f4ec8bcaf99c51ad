import { forbidden } from '@consult/shared';
import { motion } from '../../../domain/voting.js';
import { answer, defineAction } from '../../../actions/action.js';
import { namedChoices } from '../closing.js';

/** A roll-call vote's choices so far, for the moderator. */
export const namedMotionChoices = defineAction({
  name: 'motion.named',
  permission: 'consultation.moderate',
  authorize(state, _actor, { motionId }) {
    if (motion(state.motions, motionId).definition.ballot !== 'named') throw forbidden('a secret ballot has no named choices');
  },
  decide: (state, { motionId }) => answer(namedChoices(motion(state.motions, motionId))),
});
