import { decideSetLimits } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

/** Speaking time limits, for the consultation or one agenda item. */
export const setLimits = defineAction({
  name: 'floor.setLimits',
  permission: 'consultation.moderate',
  decide: (state, { agendaItemId, ...limits }, actor, now, _prepared, newId) =>
    floorDecision(state, decideSetLimits(floorContext(state, actor, now, newId), agendaItemId, limits), {}),
});
