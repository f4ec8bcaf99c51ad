import { decideReorder } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

export const reorderQueue = defineAction({
  name: 'floor.reorder',
  permission: 'consultation.moderate',
  decide: (state, { entryId, toIndex }, actor, now, _prepared, newId) =>
    floorDecision(state, decideReorder(floorContext(state, actor, now, newId), entryId, toIndex), {}),
});
