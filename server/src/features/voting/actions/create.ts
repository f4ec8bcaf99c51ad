import { decideCreate } from '../../../domain/voting.js';
import { defineAction } from '../../../actions/action.js';
import { viewOf } from '../secretTally.js';
import { votingContext } from './context.js';

export const createMotion = defineAction({
  name: 'motion.create',
  permission: 'consultation.moderate',
  decide(state, input, actor, now, _prepared, newId) {
    const motionId = newId();
    const events = decideCreate(votingContext(state, actor, now), motionId, input);
    return { events, reply: { motion: viewOf(afterCreate(events), null) } };
  },
});

/** The motion record the creation makes, for the reply. */
function afterCreate(events: ReturnType<typeof decideCreate>) {
  const created = events[0]!;
  if (created.type !== 'motion.created') throw new Error('decideCreate makes motion.created');
  const { definition, hash } = created.data;
  return {
    definition,
    status: 'draft' as const,
    openedAt: null,
    closesAt: null,
    closedAt: null,
    eligible: [],
    members: 0,
    named: {},
    result: null,
    closeReason: null,
    headHash: hash,
  };
}
