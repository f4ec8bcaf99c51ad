import { decidePause } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

export const pauseSpeech = defineAction({
  name: 'floor.pause',
  permission: 'consultation.moderate',
  decide: (state, { speechId }, actor, now, _prepared, newId) => floorDecision(state, decidePause(floorContext(state, actor, now, newId), speechId), {}),
});
