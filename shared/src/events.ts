import type { z } from 'zod';
import type { Ack, ErrorBody } from './errors.js';
import type { MediaSource, Participant, PresentParticipant, ProducerInfo, RoomSnapshot } from './domain.js';
import * as media from './schemas/media.js';
import * as session from './schemas/session.js';
import * as floor from './schemas/floor.js';
import type { FloorView, SpeechReport } from './floor.js';
import * as voting from './schemas/voting.js';
import type { MotionView, NamedChoices, PublishedBallots } from './voting.js';
import * as transcript from './schemas/transcript.js';
import * as studios from './schemas/studios.js';
import type { IngestView, RecordingInfo, SiteOverview, StreamView } from './studios.js';
import type { CaptionPartial, MinutesDocument, MinutesVersionInfo, TranscriptEngineInfo, TranscriptGap, TranscriptSegment } from './transcript.js';

/** Transport parameters a client needs to build its side of a WebRTC transport. */
export interface TransportInfo {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  rtpParameters: unknown;
  producerPaused: boolean;
}

export type PresenceChange = { kind: 'upsert'; participant: PresentParticipant } | { kind: 'left'; participantId: string };

/** How long the server gathers presence changes before it sends them. */
export const PRESENCE_BATCH_MS = 100;

/** How often live turnout goes out while ballots arrive. */
export const TURNOUT_BATCH_MS = 250;

export interface JoinReply extends RoomSnapshot {
  routerRtpCapabilities: unknown;
  /** Whether the server will accept media from this participant. */
  mayPublish: { audio: boolean; video: boolean };
  floor: FloorView;
  motions: MotionView[];
  transcript: { engine: TranscriptEngineInfo; minutes: MinutesVersionInfo };
  /** Names present at each studio venue, by the studio's participant id. */
  studioAttendees: Record<string, string[]>;
  /** This participant's own ballots, by motion (as `motion.list` gives them). */
  myBallots: Record<string, MyBallot>;
}

/**
 * Every client→server request and the schema of its payload: the wire contract. (The
 * permission each needs is declared with the server's action for it; the data its ack carries
 * is `ReplyData` below.)
 */
export const REQUESTS = {
  'session.join': session.JoinRequest,
  'session.leave': session.LeaveRequest,
  'time.sync': session.TimeSyncRequest,
  'media.setCapabilities': media.SetCapabilitiesRequest,
  'media.createTransport': media.CreateTransportRequest,
  'media.connectTransport': media.ConnectTransportRequest,
  'media.restartIce': media.TransportRequest,
  'media.produce': media.ProduceRequest,
  'media.pauseProducer': media.ProducerRequest,
  'media.resumeProducer': media.ProducerRequest,
  'media.closeProducer': media.ProducerRequest,
  'media.consume': media.ConsumeRequest,
  'media.resumeConsumer': media.ConsumerRequest,
  /** The receiver stops drawing a video (its tile scrolled away): the SFU stops sending it until resumed. */
  'media.pauseConsumer': media.ConsumerRequest,
  'media.setConsumerLayers': media.SetConsumerLayersRequest,
  // Speaking queue and floor.
  'floor.state': floor.EmptyRequest,
  'floor.request': floor.FloorRequest,
  'floor.withdraw': floor.EntryRequest,
  'floor.reject': floor.RejectRequest,
  'floor.reorder': floor.ReorderRequest,
  'floor.grant': floor.GrantRequest,
  'floor.end': floor.SpeechRequest,
  'floor.pause': floor.SpeechRequest,
  'floor.resume': floor.SpeechRequest,
  'floor.extend': floor.ExtendRequest,
  'floor.setLimits': floor.SetLimitsRequest,
  'floor.setQueueOpen': floor.SetQueueOpenRequest,
  'floor.report': floor.EmptyRequest,
  'agenda.advance': floor.AdvanceAgendaRequest,
  // Voting.
  'motion.list': floor.EmptyRequest,
  'motion.create': voting.CreateMotionRequest,
  'motion.open': voting.MotionRequest,
  'motion.close': voting.MotionRequest,
  'motion.named': voting.MotionRequest,
  'motion.published': voting.MotionRequest,
  'motion.vote': voting.VoteRequest,
  // Transcript and minutes.
  'transcript.state': floor.EmptyRequest,
  'transcript.edit': transcript.EditSegmentRequest,
  'transcript.add': transcript.AddEntryRequest,
  'minutes.draft': floor.EmptyRequest,
  'minutes.submit': floor.EmptyRequest,
  'minutes.approve': transcript.ApproveMinutesRequest,
  'minutes.return': floor.EmptyRequest,
  // Studios, sites, ingest and the public stream.
  'sites.overview': floor.EmptyRequest,
  'studio.setAttendees': studios.SetAttendeesRequest,
  'ingest.create': studios.CreateIngestRequest,
  'ingest.list': floor.EmptyRequest,
  'ingest.setOnAir': studios.SetOnAirRequest,
  'stream.start': studios.StartStreamRequest,
  'stream.stop': floor.EmptyRequest,
  'stream.state': floor.EmptyRequest,
} as const satisfies Record<string, z.ZodType>;

export type RequestName = keyof typeof REQUESTS;
export type RequestPayload<N extends RequestName> = z.input<(typeof REQUESTS)[N]>;
export type ParsedRequest<N extends RequestName> = z.output<(typeof REQUESTS)[N]>;

export interface ReplyData {
  'session.join': JoinReply;
  'session.leave': Record<string, never>;
  'time.sync': { clientTime: number; serverTime: number };
  'media.setCapabilities': { consumable: number };
  'media.createTransport': TransportInfo;
  'media.connectTransport': Record<string, never>;
  'media.restartIce': { iceParameters: unknown };
  'media.produce': { producerId: string };
  'media.pauseProducer': Record<string, never>;
  'media.resumeProducer': Record<string, never>;
  'media.closeProducer': Record<string, never>;
  'media.consume': ConsumerInfo;
  'media.resumeConsumer': Record<string, never>;
  'media.pauseConsumer': Record<string, never>;
  'media.setConsumerLayers': Record<string, never>;
  'floor.state': FloorView;
  /** `created` is false when the participant was already in the queue (requesting twice makes one entry). */
  'floor.request': { entryId: string; created: boolean; version: number };
  'floor.withdraw': FloorAck;
  'floor.reject': FloorAck;
  'floor.reorder': FloorAck;
  'floor.grant': FloorAck & { speechId: string };
  'floor.end': FloorAck;
  'floor.pause': FloorAck;
  'floor.resume': FloorAck;
  'floor.extend': FloorAck;
  'floor.setLimits': FloorAck;
  'floor.setQueueOpen': FloorAck;
  'floor.report': SpeechReport;
  'agenda.advance': FloorAck & { agendaItemId: string };
  'motion.list': { motions: MotionView[]; mine: Record<string, MyBallot> };
  'motion.create': { motion: MotionView };
  'motion.open': { motion: MotionView };
  'motion.close': { motion: MotionView };
  'motion.named': NamedChoices;
  'motion.published': PublishedBallots;
  'motion.vote': VoteReceipt;
  'transcript.state': TranscriptSnapshot;
  'transcript.edit': { segment: TranscriptSegment | null };
  'transcript.add': { segment: TranscriptSegment };
  'minutes.draft': MinutesDocument;
  'minutes.submit': { minutes: MinutesVersionInfo };
  'minutes.approve': { minutes: MinutesVersionInfo };
  'minutes.return': { minutes: MinutesVersionInfo };
  'sites.overview': SiteOverview;
  'studio.setAttendees': { names: string[] };
  'ingest.create': { ingest: IngestView };
  'ingest.list': { ingests: IngestView[] };
  'ingest.setOnAir': { ingest: IngestView };
  'stream.start': { stream: StreamView };
  'stream.stop': { stream: StreamView; recordings: RecordingInfo[] };
  'stream.state': { stream: StreamView };
}

export interface TranscriptSnapshot {
  engine: TranscriptEngineInfo;
  segments: TranscriptSegment[];
  gaps: TranscriptGap[];
  minutes: MinutesVersionInfo;
  /** The speech being transcribed now, if any. */
  activeSpeechId: string | null;
}

/** What a voter knows of their own ballot on a motion. */
export interface MyBallot {
  /** On the roll: a member present when the motion opened (false for drafts). */
  eligible: boolean;
  voted: boolean;
  /** Named ballots: what they chose. Secret ballots: null (the server tells nobody, not even the voter). */
  choices: string[] | null;
}

/** The ack of a ballot: sent only once the ballot is durably stored. */
export interface VoteReceipt {
  recorded: true;
  /** True when this replaced an earlier ballot of the same voter. */
  changed: boolean;
  /**
   * Secret ballots: the commitment the ballot is published as after the close (the device
   * computes it too, from its nonce and choices). Named ballots: null.
   */
  commitment: string | null;
}

/** What a participant's departure took off the floor: their queue entries, withdrawn, and their speech, ended. */
export interface FloorDeparture {
  participantId: string;
  entryIds: string[];
  /** The speech they held, ended with the outcome "left"; null if they held none. */
  speechId: string | null;
}

/** Floor changes are acknowledged once stored, with the version of the view they produced. */
export interface FloorAck {
  version: number;
}

/** socket.io's typed-events generic for the client→server direction. */
export type ClientToServerEvents = {
  [N in RequestName]: (payload: RequestPayload<N>, ack: (reply: Ack<ReplyData[N]>) => void) => void;
};

/** Server→client pushes. */
export interface ServerToClientEvents {
  /**
   * Who joined, changed status or left, batched (at most every PRESENCE_BATCH_MS) so a burst
   * of N joins costs N·(N/batch) messages, not N². Apply in order; upserts are idempotent.
   */
  'presence.changed': (p: { changes: PresenceChange[] }) => void;
  'media.producerAdded': (p: ProducerInfo) => void;
  'media.producerUpdated': (p: ProducerInfo) => void;
  'media.producerClosed': (p: { producerId: string; participantId: string }) => void;
  'media.consumerClosed': (p: { consumerId: string; producerId: string }) => void;
  'media.activeSpeaker': (p: { participantId: string | null }) => void;
  /** The floor changed (queue, speech, agenda item, limits). Carries server time for the countdown. */
  'floor.changed': (p: { floor: FloorView; serverTime: number }) => void;
  /** To the moderators: someone left the consultation, and with them their requests to speak (and their speech). */
  'floor.departed': (p: FloorDeparture) => void;
  /** To one member: the moderator turned down their request. */
  'floor.rejected': (p: { entryId: string; reason: string }) => void;
  /** A motion was created, opened or closed (with its result). */
  'motion.changed': (p: { motion: MotionView }) => void;
  /** Live turnout of open motions, at most every TURNOUT_BATCH_MS. Never the split of a secret ballot. */
  'motion.turnout': (p: { turnout: { motionId: string; voted: number; eligible: number }[] }) => void;
  /** Moderator only, named ballots: who chose what, at most every TURNOUT_BATCH_MS. */
  'motion.namedChoices': (p: NamedChoices) => void;
  /** Live caption of the current speech: the utterance in progress, replaced as it grows. */
  'transcript.partial': (p: CaptionPartial) => void;
  /** A final segment, new or corrected by the clerk. */
  'transcript.segment': (p: { segment: TranscriptSegment }) => void;
  /** Recognition failed for part of a speech; the transcript marks the gap. */
  'transcript.gap': (p: { gap: TranscriptGap }) => void;
  /** The minutes' sign-off state changed (submitted, approved, reopened). */
  'minutes.changed': (p: { minutes: MinutesVersionInfo }) => void;
  /** Moderators: an ingest point's feed went live, lost its signal, or went on or off air. */
  'ingest.changed': (p: { ingest: IngestView }) => void;
  /** A studio's operator updated who is present at the venue. */
  'studio.attendees': (p: { participantId: string; names: string[] }) => void;
  /** The public live stream started, stopped or changed what it shows. */
  'stream.changed': (p: { stream: StreamView }) => void;
  /** The media server lost this consultation's media (worker died): rebuild transports. */
  'media.reset': (p: { reason: string }) => void;
  /** Another connection took over this participant (same link opened elsewhere). */
  'session.replaced': () => void;
  /** A request that could not be answered by its ack (none given, or an unknown event name). */
  'request.rejected': (p: { event: string; error: ErrorBody }) => void;
}

export type { Participant };
