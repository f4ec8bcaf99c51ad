import { decideResume } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

export const resumeSpeech = defineAction({
  name: 'floor.resume',
  permission: 'consultation.moderate',
  decide: (state, { speechId }, actor, now, _prepared, newId) => floorDecision(state, decideResume(floorContext(state, actor, now, newId), speechId), {}),
});
