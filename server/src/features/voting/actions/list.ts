import { answer, defineAction } from '../../../actions/action.js';
import { ballotCounts, viewOf } from '../secretTally.js';

/** Every motion with its turnout, and what this voter knows of their own ballots. */
export const listMotions = defineAction({
  name: 'motion.list',
  permission: 'session.join',
  prepare: async (_input, { consultationId, actor, services }) => ballotCounts(services.ballots, services.consultations.get(consultationId)!, actor.id),
  decide: (state, _input, _actor, _now, counts) => answer({ motions: Object.values(state.motions).map((m) => viewOf(m, counts)), mine: counts.mine }),
});
