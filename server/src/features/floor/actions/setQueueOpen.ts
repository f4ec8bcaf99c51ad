import { decideQueueOpen } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

export const setQueueOpen = defineAction({
  name: 'floor.setQueueOpen',
  permission: 'consultation.moderate',
  decide: (state, { open }, actor, now, _prepared, newId) => floorDecision(state, decideQueueOpen(floorContext(state, actor, now, newId), open), {}),
});
