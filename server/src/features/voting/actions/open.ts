import { applyMotionEvent, decideOpen } from '../../../domain/voting.js';
import { defineAction } from '../../../actions/action.js';
import { viewOf } from '../secretTally.js';
import { votingContext } from './context.js';

/** Opens a draft motion; its roll is the members present now (online or within their reconnect grace). */
export const openMotion = defineAction({
  name: 'motion.open',
  permission: 'consultation.moderate',
  prepare: async (_input, { consultationId, services }) =>
    services.presence
      .list(consultationId)
      .filter((p) => p.role === 'member')
      .map((p) => p.id),
  decide(state, { motionId }, actor, now, presentMembers) {
    const events = decideOpen(votingContext(state, actor, now), motionId, presentMembers);
    const opened = events.reduce((motions, e) => applyMotionEvent(motions, e), { ...state.motions });
    return { events, reply: { motion: viewOf(opened[motionId]!, null) } };
  },
});
