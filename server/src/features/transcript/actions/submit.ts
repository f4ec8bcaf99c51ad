import { decideSubmit } from '../../../domain/transcript.js';
import { defineAction } from '../../../actions/action.js';
import { minutesDecision } from './minutesAfter.js';

/** The clerk hands the draft to the moderator for approval. */
export const submitMinutes = defineAction({
  name: 'minutes.submit',
  permission: 'minutes.edit',
  decide: (state, _input, actor, now) => minutesDecision(state, decideSubmit(state.transcript, actor, now)),
});
