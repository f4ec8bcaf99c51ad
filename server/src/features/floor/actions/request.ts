import { authorizeRequest, decideRequest } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

/** A member or studio asks for the floor; the moderator may add anyone. Asking twice keeps one entry. */
export const requestFloor = defineAction({
  name: 'floor.request',
  permission: 'session.join',
  authorize: (_state, actor, { participantId }) => authorizeRequest(actor, participantId),
  decide(state, input, actor, now, _prepared, newId) {
    const { events, entryId, created } = decideRequest(floorContext(state, actor, now, newId), input);
    return floorDecision(state, events, { entryId, created });
  },
});
