import { decideAttendees } from '../../../domain/studios.js';
import { defineAction } from '../../../actions/action.js';

/** A studio's operator types in who is present at the venue (for the minutes' attendance). */
export const setAttendees = defineAction({
  name: 'studio.setAttendees',
  permission: 'studio.operate',
  decide(_state, { names }, actor) {
    const events = decideAttendees(actor.id, names);
    return { events, reply: { names: events[0]!.type === 'studio.attendees' ? events[0]!.data.names : [] } };
  },
});
