import type { Participant } from '@consult/shared';
import type { ConsultationState } from '../../../domain/consultation.js';
import type { VotingContext } from '../../../domain/voting.js';

export function votingContext(state: ConsultationState, actor: Participant, now: number): VotingContext {
  return { consultation: state.consultation, motions: state.motions, actor, now, currentAgendaItemId: state.floor.agendaItemId };
}
