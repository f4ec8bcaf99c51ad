import { decideGrant } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

/**
 * The moderator gives the floor (to the next in line, an entry, or anyone). The microphone rule
 * follows, then everyone gets the new view (floor/reactions.ts).
 */
export const grantFloor = defineAction({
  name: 'floor.grant',
  permission: 'consultation.moderate',
  decide(state, input, actor, now, _prepared, newId) {
    const { events, speechId } = decideGrant(floorContext(state, actor, now, newId), input);
    return floorDecision(state, events, { speechId });
  },
});
