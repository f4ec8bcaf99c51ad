import { decideEdit } from '../../../domain/transcript.js';
import { defineAction } from '../../../actions/action.js';
import { segmentAfter } from './segmentAfter.js';

/** The clerk corrects a segment; the correction is kept with who made it and when. */
export const editSegment = defineAction({
  name: 'transcript.edit',
  permission: 'minutes.edit',
  decide(state, { segmentId, text }, actor, now) {
    const events = decideEdit(state.transcript, actor, segmentId, text, now);
    return { events, reply: { segment: segmentAfter(state, events, segmentId) } };
  },
});
