import type { Role } from './roles.js';

/** A county, a district or the city itself. */
export interface Site {
  id: string;
  name: string;
}

export interface AgendaItem {
  id: string;
  title: string;
}

/** A person (or, for role `studio`, a venue) invited to a consultation. */
export interface Participant {
  id: string;
  name: string;
  role: Role;
  siteId: string;
}

/** What the log says a consultation is: the fold of its events. */
export interface Consultation {
  id: string;
  title: string;
  /** Language of the floor (drives speech recognition later); zh by default. */
  language: 'zh' | 'en';
  agenda: AgendaItem[];
  sites: Site[];
  participants: Participant[];
  createdAt: number;
}

export type ConnectionStatus = 'online' | 'reconnecting';

/** A participant as seen in the room right now. */
export interface PresentParticipant extends Participant {
  status: ConnectionStatus;
  joinedAt: number;
}

/** Browser tracks (mic, camera) and a studio's broadcast feed received over RTMP (ingest-*). */
export type MediaSource = 'mic' | 'camera' | 'ingest-audio' | 'ingest-video';

/** A published track, as announced to other participants. */
export interface ProducerInfo {
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
}

/** A snapshot sent to a participant when they join or rejoin. */
export interface RoomSnapshot {
  consultation: Pick<Consultation, 'id' | 'title' | 'language' | 'agenda' | 'sites'>;
  self: Participant;
  /** Everyone invited, present or not (for choosing a speaker, the minutes, the overview). */
  roster: Participant[];
  participants: PresentParticipant[];
  producers: ProducerInfo[];
  activeSpeakerId: string | null;
  serverTime: number;
}
