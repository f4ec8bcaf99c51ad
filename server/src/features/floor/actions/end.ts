import { authorizeEnd, decideEnd } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

/** The speaker says they are done, or the moderator ends the speech. */
export const endSpeech = defineAction({
  name: 'floor.end',
  permission: 'session.join',
  authorize: (state, actor, { speechId }) => authorizeEnd(state.floor, actor, speechId),
  decide: (state, { speechId }, actor, now, _prepared, newId) => floorDecision(state, decideEnd(floorContext(state, actor, now, newId), speechId), {}),
});
