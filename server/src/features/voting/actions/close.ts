import { AppError, ErrorCode } from '@consult/shared';
import { motion } from '../../../domain/voting.js';
import { defineAction } from '../../../actions/action.js';
import { decideCloseMotion, prepareClose } from '../closing.js';

/** The moderator closes the vote; the result is announced to everyone at once. */
export const closeMotion = defineAction({
  name: 'motion.close',
  permission: 'consultation.moderate',
  authorize(state, _actor, { motionId }) {
    const m = motion(state.motions, motionId);
    if (m.status !== 'open') throw new AppError(ErrorCode.STALE, `motion ${motionId} is ${m.status}, not open`);
  },
  prepare: ({ motionId }, { consultationId, services }) => prepareClose(services.ballots, services.consultations.get(consultationId)!, motionId),
  decide: (state, { motionId }, actor, now, box) => decideCloseMotion(state, motionId, actor.id, 'moderator', now, box),
  abandon: (box, { consultationId, services }) => {
    if (box) services.ballots.reopen(consultationId, box.motionId);
  },
});
