import { decideAdvance } from '../../../domain/floor.js';
import { defineAction } from '../../../actions/action.js';
import { floorContext, floorDecision } from './context.js';

/** To the next (or a chosen) agenda item; a speech still on the floor ends. */
export const advanceAgenda = defineAction({
  name: 'agenda.advance',
  permission: 'consultation.moderate',
  decide(state, { expectedAgendaItemId, agendaItemId }, actor, now, _prepared, newId) {
    const decision = decideAdvance(floorContext(state, actor, now, newId), expectedAgendaItemId, agendaItemId);
    return floorDecision(state, decision.events, { agendaItemId: decision.agendaItemId });
  },
});
