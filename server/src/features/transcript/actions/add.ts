import { notFound } from '@consult/shared';
import { decideAddEntry } from '../../../domain/transcript.js';
import { defineAction } from '../../../actions/action.js';
import { segmentAfter } from './segmentAfter.js';

/** The clerk records words spoken off the floor (in the room at a studio, say), for a chosen speaker. */
export const addEntry = defineAction({
  name: 'transcript.add',
  permission: 'minutes.edit',
  decide(state, input, actor, now, _prepared, newId) {
    const speaker = state.consultation.participants.find((p) => p.id === input.participantId);
    if (!speaker) throw notFound(`participant ${input.participantId}`);
    if (input.agendaItemId && !state.consultation.agenda.some((a) => a.id === input.agendaItemId)) throw notFound(`agenda item ${input.agendaItemId}`);
    const id = newId();
    const events = decideAddEntry(
      state.transcript,
      actor,
      { id, agendaItemId: input.agendaItemId ?? state.floor.agendaItemId, speaker, text: input.text, at: input.at ?? now },
      now,
    );
    return { events, reply: { segment: segmentAfter(state, events, id)! } };
  },
});
