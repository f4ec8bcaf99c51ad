import { decideReturn } from '../../../domain/transcript.js';
import { defineAction } from '../../../actions/action.js';
import { minutesDecision } from './minutesAfter.js';

/** The moderator sends a submitted draft back to the clerk. */
export const returnMinutes = defineAction({
  name: 'minutes.return',
  permission: 'consultation.moderate',
  decide: (state, _input, actor, now) => minutesDecision(state, decideReturn(state.transcript, actor, now)),
});
