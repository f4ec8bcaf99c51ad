import { decideExtend } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

export const extendSpeech = defineAction({
  name: 'floor.extend',
  permission: 'consultation.moderate',
  decide: (state, { speechId, addMs }, actor, now, _prepared, newId) =>
    floorDecision(state, decideExtend(floorContext(state, actor, now, newId), speechId, addMs), {}),
});
