import { speechReport } from '../../../domain/floor.js';
import { answer, defineAction } from '../../../actions/action.js';

/** The speaking record with totals per member and per site. */
export const floorReport = defineAction({
  name: 'floor.report',
  permission: 'consultation.moderate',
  decide: (state, _input, _actor, now) => answer(speechReport(state.consultation, state.floor, now)),
});
