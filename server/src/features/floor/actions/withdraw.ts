import { authorizeWithdraw, decideWithdraw } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

export const withdrawRequest = defineAction({
  name: 'floor.withdraw',
  permission: 'session.join',
  authorize: (state, actor, { entryId }) => authorizeWithdraw(state.floor, actor, entryId),
  decide: (state, { entryId }, actor, now, _prepared, newId) => floorDecision(state, decideWithdraw(floorContext(state, actor, now, newId), entryId), {}),
});
