import type { MediaRoom } from '@consult/sfu';
import { can, type JoinReply, type Participant } from '@consult/shared';
import type { ActionServices } from '../../actions/action.js';
import type { ConsultationState } from '../../domain/consultation.js';
import { floorView } from '../../domain/floor.js';
import { motionView } from '../../domain/voting.js';

/** Everything a participant needs to draw the room when they join: who is here, what is on, what they may do. */
export function joinSnapshot(state: ConsultationState, participant: Participant, room: MediaRoom, services: ActionServices): JoinReply {
  const consultationId = state.consultation.id;
  const { consultation } = state;
  return {
    consultation: { id: consultationId, title: consultation.title, language: consultation.language, agenda: consultation.agenda, sites: consultation.sites },
    self: participant,
    roster: consultation.participants,
    participants: services.presence.list(consultationId),
    producers: room.producerInfos().filter((p) => !services.visibility.hiddenFrom(consultationId, participant, p)),
    activeSpeakerId: room.currentSpeaker,
    serverTime: services.clock(),
    routerRtpCapabilities: room.rtpCapabilities,
    mayPublish: { audio: can(participant.role, 'media.produce.audio'), video: can(participant.role, 'media.produce.video') },
    floor: floorView(state.floor),
    motions: Object.values(state.motions).map((m) => motionView(m, services.ballots.voted(consultationId, m))),
    transcript: { engine: services.transcripts.engine(consultationId), minutes: state.transcript.minutes },
    studioAttendees: state.studios.attendees,
    myBallots: services.ballots.mine(state, participant.id),
  };
}
