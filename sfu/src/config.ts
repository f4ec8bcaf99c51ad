import type { types } from 'mediasoup';

export interface MediaConfig {
  /** Number of mediasoup workers; one per core by default. */
  numWorkers: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Local IP the transports bind to. */
  listenIp: string;
  /** Public IP or hostname announced in ICE candidates (needed behind NAT). */
  announcedIp?: string;
  /** Offer ICE-TCP candidates too, for county networks that block UDP. */
  enableTcp: boolean;
  initialOutgoingBitrate: number;
  /** Cap on what one sender may push to the SFU (bps). */
  maxIncomingBitrate: number;
  logLevel: types.WorkerLogLevel;
  /**
   * Consumers one router takes before a consultation's receivers spill onto a router on another
   * worker, joined by pipeToRouter (mediasoup's documentation puts a worker at about 500).
   */
  consumersPerRouter?: number;
  /** A room nobody's media has used for this long is closed, freeing its routers (ms). */
  idleCloseMs?: number;
}

export const DEFAULT_IDLE_CLOSE_MS = 5 * 60_000;

export const DEFAULT_CONSUMERS_PER_ROUTER = 500;

/**
 * Key-frame requests for one video producer inside this window are sent as one when it ends.
 * libwebrtc encoders ignore a second request within 300 ms of the last, and mediasoup 3.8.4
 * repeats an unanswered request only after 1 s: without the window, members who join a few
 * hundred ms apart wait over a second for their first picture (docs/BENCHMARKS.md, bench:join).
 */
export const KEY_FRAME_REQUEST_DELAY_MS = 400;

/** Codecs every consultation router offers. VP8 first: it simulcasts fully on 3.8.4 (ENVIRONMENT.md). */
export const MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 800 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
