import { buildMinutes } from '../minutes.js';
import { answer, defineAction } from '../../../actions/action.js';

/** The minutes as they stand now. */
export const minutesDraft = defineAction({
  name: 'minutes.draft',
  permission: 'minutes.read',
  decide: (state, _input, _actor, now) => answer(buildMinutes(state, now)),
});
