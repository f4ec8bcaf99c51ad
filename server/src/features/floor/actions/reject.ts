import { decideReject } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

/** The moderator turns a request down; the member is told, with the reason if one is given. */
export const rejectRequest = defineAction({
  name: 'floor.reject',
  permission: 'consultation.moderate',
  decide: (state, { entryId, reason }, actor, now, _prepared, newId) =>
    floorDecision(state, decideReject(floorContext(state, actor, now, newId), entryId, reason), {}),
});
