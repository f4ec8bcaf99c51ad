/** Studios, ingest and the sites overview: shared types. */

export type IngestStatus = 'waiting' | 'live' | 'signal-lost';

/** How a studio's feed reaches the server: RTMP (an ffmpeg relay) or WHIP (WebRTC, RFC 9725). */
export type IngestProtocol = 'rtmp' | 'whip';

/**
 * An ingest point as the moderator sees it: one feed per studio, pushed over RTMP or WHIP
 * (whichever the encoder speaks, one publisher at a time), with one key for both.
 */
export interface IngestView {
  ingestId: string;
  studioId: string;
  /** The RTMP server URL to give the encoder (OBS: "Server"). */
  url: string;
  /** The stream key (OBS: "Stream Key"; for WHIP, the "Bearer Token"). */
  key: string;
  /** The WHIP endpoint (OBS service "WHIP": "Server"); relative to the server unless PUBLIC_URL is set. */
  whipUrl: string;
  status: IngestStatus;
  /** Which protocol carries the feed now (null while none does). */
  via: IngestProtocol | null;
  /** Off air, the feed is a preview only moderators see. */
  onAir: boolean;
}

export interface ConnectionQuality {
  /** What the SFU receives from them (bits/s). */
  sendBitrate: number;
  /** What the SFU sends to them (bits/s). */
  recvBitrate: number;
  /** Worst packet loss on their streams, percent. */
  lossPct: number;
  /** Round-trip time from the SFU, ms (null until RTCP reports it). */
  rttMs: number | null;
  /** 'good' | 'fair' | 'poor' from loss and RTT. */
  grade: 'good' | 'fair' | 'poor';
}

export interface SiteParticipantStatus {
  participantId: string;
  name: string;
  role: string;
  status: 'online' | 'reconnecting' | 'absent';
  mic: 'on' | 'off' | 'none' | 'silent';
  camera: 'on' | 'off' | 'none' | 'frozen';
  quality: ConnectionQuality | null;
  /** Studios: the names the operator typed in. */
  attendees: string[];
  /** Studios with an ingest point: their broadcast feed, which may be live with nobody at the studio page. */
  feed: { status: IngestStatus; onAir: boolean; via: IngestProtocol | null } | null;
}

export interface SiteOverview {
  sites: {
    siteId: string;
    name: string;
    participants: SiteParticipantStatus[];
    membersInvited: number;
    membersPresent: number;
  }[];
  quorum: { membersInvited: number; membersPresent: number; required: number; met: boolean };
  at: number;
}

/** The public live stream (HLS) and its recording. */
/** The public stream's encoder: starting, writing segments, or failed and being retried. */
export type EncoderStatus = 'starting' | 'running' | 'restarting';

export interface StreamView {
  /** A broadcast is on (the moderator started it and has not stopped it). */
  live: boolean;
  /** While live: whether the public actually gets a picture (`running`), or the encoder is failing and retried. */
  encoder: EncoderStatus | null;
  /** Failures in a row of the encoder (0 while it runs steadily). */
  retries: number;
  /** Public HLS playlist URL (relative to the server). */
  hlsUrl: string | null;
  /** Public viewer page (relative). */
  watchUrl: string | null;
  startedAt: number | null;
  /** What is on the stream: the spotlighted participant's video. */
  videoOf: string | null;
  rtmpPush: boolean;
  recording: string | null;
}

/** What anyone may know of a consultation whose public stream is live (`GET /live/:id/info`). */
export interface LiveInfo {
  title: string;
  live: true;
}

export interface RecordingInfo {
  file: string;
  startedAt: number;
  bytes: number;
}
