/**
 * The senders of bench:fanout, in the bench process: a studio feed as three VP8 simulcast
 * streams (180p ~150 kbps, 360p ~500 kbps, 720p ~1.35 Mbps, 30 fps each) and one speaker's
 * Opus (20 ms packets, 50 pps) with audio levels, sent as plain RTP into the SFU's comedia
 * PlainTransports. Frames are paced by the clock; each frame's packets leave together, as an
 * encoder's do. Keyframes: the first frame of each stream, then whenever the SFU asks (PLI or
 * FIR), at most one per stream every 300 ms. Sender reports go out every second per stream so
 * that the simulcast consumer may switch between streams (mediasoup needs them to align the
 * streams' RTP timestamps).
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { opusPacket, randomSsrc, readRtcpFeedback, senderReport, vp8Packet } from './rtp.js';

export interface SimulcastLayer {
  rid: string;
  width: number;
  height: number;
  bitrate: number;
  fps: number;
}

/** Lowest first: index = mediasoup spatial layer. */
export const LAYERS: readonly SimulcastLayer[] = [
  { rid: 'q', width: 320, height: 180, bitrate: 150_000, fps: 30 },
  { rid: 'h', width: 640, height: 360, bitrate: 500_000, fps: 30 },
  { rid: 'f', width: 1280, height: 720, bitrate: 1_350_000, fps: 30 },
];

const MAX_VP8_PAYLOAD = 1100;
const KEYFRAME_FACTOR = 4;
const MIN_KEYFRAME_INTERVAL_MS = 300;
const SR_INTERVAL_MS = 1000;

interface Stream {
  ssrc: number;
  clockRate: number;
  tsBase: number;
  seq: number;
  packets: number;
  octets: number;
}

interface VideoStream extends Stream {
  layer: SimulcastLayer;
  frame: number;
  pictureId: number;
  tl0PicIdx: number;
  wantKey: boolean;
  lastKeyAt: number;
  keyFrames: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface SenderCounts {
  /** Packets sent per video layer (index = spatial layer). */
  video: number[];
  audio: number;
  keyFrames: number[];
  keyFrameRequests: number;
  nackedPackets: number;
  /** Frames the pacing timer had to skip because the event loop was late by more than 5 frames. */
  skippedFrames: number;
  /** Longest gap between two pacing ticks since the last `counts()` (ms): how bursty the sending was. */
  maxTickGapMs: number;
}

function newStream(clockRate: number): Stream {
  return { ssrc: randomSsrc(), clockRate, tsBase: Math.floor(Math.random() * 0xffffffff), seq: Math.floor(Math.random() * 0xffff), packets: 0, octets: 0 };
}

export class RtpSender {
  readonly video: VideoStream[];
  readonly audio: Stream;
  private readonly videoSocket: Socket;
  private readonly audioSocket: Socket;
  private startPerf = 0;
  private startWall = 0;
  private audioFrame = 0;
  private timer: NodeJS.Timeout | undefined;
  private srTimer: NodeJS.Timeout | undefined;
  private keyFrameRequests = 0;
  private nackedPackets = 0;
  private skippedFrames = 0;
  private stopped = false;
  private paused = false;
  private lastTick = 0;
  private maxTickGap = 0;
  private resuming = false;

  private videoTo: Endpoint = { ip: '127.0.0.1', port: 0 };
  private audioTo: Endpoint = { ip: '127.0.0.1', port: 0 };

  constructor() {
    this.video = LAYERS.map((layer) => ({
      ...newStream(90000),
      layer,
      frame: 0,
      pictureId: Math.floor(Math.random() * 0x7fff),
      tl0PicIdx: 0,
      wantKey: true,
      lastKeyAt: -Infinity,
      keyFrames: 0,
    }));
    this.audio = newStream(48000);
    this.videoSocket = createSocket('udp4');
    this.audioSocket = createSocket('udp4');
    this.videoSocket.on('message', (msg) => this.onVideoRtcp(msg));
    this.audioSocket.on('message', () => undefined);
    for (const socket of [this.videoSocket, this.audioSocket]) socket.on('error', () => undefined);
  }

  /** Starts sending to the producers' PlainTransports (comedia: they learn our address from it). */
  async start(videoTo: Endpoint, audioTo: Endpoint): Promise<void> {
    this.videoTo = videoTo;
    this.audioTo = audioTo;
    await Promise.all([this.videoSocket, this.audioSocket].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()))));
    this.startPerf = performance.now();
    this.startWall = Date.now();
    this.timer = setInterval(() => this.tick(), 2);
    this.srTimer = setInterval(() => this.sendReports(), SR_INTERVAL_MS);
    this.tick();
  }

  counts(): SenderCounts {
    return {
      video: this.video.map((s) => s.packets),
      audio: this.audio.packets,
      keyFrames: this.video.map((s) => s.keyFrames),
      keyFrameRequests: this.keyFrameRequests,
      nackedPackets: this.nackedPackets,
      skippedFrames: this.skippedFrames,
      maxTickGapMs: this.takeMaxGap(),
    };
  }

  /** Stops sending (RTP and sender reports) without closing anything; `resume` goes on from the present. */
  pause(): void {
    this.paused = true;
  }

  /**
   * Sends again. The streams jump to the present (RTP timestamps follow the clock, sequence
   * numbers go on without a gap) and each starts with a keyframe, as an encoder does after a pause.
   */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resuming = true;
    for (const s of this.video) s.wantKey = true;
    this.tick();
    this.resuming = false;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.srTimer);
    this.videoSocket.close();
    this.audioSocket.close();
  }

  private elapsedMs(): number {
    return performance.now() - this.startPerf;
  }

  private onVideoRtcp(msg: Buffer): void {
    const feedback = readRtcpFeedback(msg);
    this.nackedPackets += feedback.nackedPackets;
    for (const ssrc of feedback.keyFrameSsrcs) {
      const stream = this.video.find((s) => s.ssrc === ssrc);
      if (!stream) continue;
      this.keyFrameRequests++;
      stream.wantKey = true;
    }
  }

  private takeMaxGap(): number {
    const gap = this.maxTickGap;
    this.maxTickGap = 0;
    return gap;
  }

  private tick(): void {
    if (this.paused) return;
    const now = this.elapsedMs();
    if (!this.resuming && this.lastTick > 0) this.maxTickGap = Math.max(this.maxTickGap, now - this.lastTick);
    this.lastTick = now;
    for (const stream of this.video) {
      const period = 1000 / stream.layer.fps;
      let due = Math.floor(now / period) + 1 - stream.frame;
      if (due > 5) {
        if (!this.resuming) this.skippedFrames += due - 1;
        stream.frame += due - 1;
        due = 1;
      }
      for (; due > 0; due--) this.sendFrame(stream, now);
    }
    let audioDue = Math.floor(now / 20) + 1 - this.audioFrame;
    if (audioDue > 5) {
      if (!this.resuming) this.skippedFrames += audioDue - 1;
      this.audioFrame += audioDue - 1;
      audioDue = 1;
    }
    for (; audioDue > 0; audioDue--) this.sendAudio();
  }

  private sendFrame(s: VideoStream, now: number): void {
    const key = s.wantKey && now - s.lastKeyAt >= MIN_KEYFRAME_INTERVAL_MS;
    if (key) {
      s.wantKey = false;
      s.lastKeyAt = now;
      s.keyFrames++;
    }
    const average = s.layer.bitrate / 8 / s.layer.fps;
    const size = Math.round(key ? average * KEYFRAME_FACTOR : average * (0.7 + 0.6 * Math.random()));
    const count = Math.max(1, Math.ceil(size / MAX_VP8_PAYLOAD));
    const per = Math.max(12, Math.ceil(size / count));
    const timestamp = s.tsBase + s.frame * Math.round(s.clockRate / s.layer.fps);
    for (let i = 0; i < count; i++) {
      const packet = vp8Packet({
        ssrc: s.ssrc,
        seq: s.seq,
        timestamp,
        marker: i === count - 1,
        start: i === 0,
        keyFrame: key,
        pictureId: s.pictureId,
        tl0PicIdx: s.tl0PicIdx,
        width: s.layer.width,
        height: s.layer.height,
        payloadBytes: per,
      });
      s.seq = (s.seq + 1) & 0xffff;
      s.packets++;
      s.octets += packet.length - 12;
      this.videoSocket.send(packet, this.videoTo.port, this.videoTo.ip);
    }
    s.frame++;
    s.pictureId = (s.pictureId + 1) & 0x7fff;
    s.tl0PicIdx = (s.tl0PicIdx + 1) & 0xff;
  }

  private sendAudio(): void {
    const a = this.audio;
    const timestamp = a.tsBase + this.audioFrame * 960;
    // Speech-like: talk spurts and pauses, levels in -dBov.
    const voice = this.audioFrame % 150 < 110;
    const level = voice ? 25 + (this.audioFrame % 20) : 70;
    const packet = opusPacket(a.ssrc, a.seq, timestamp, level, voice, voice ? 80 + (this.audioFrame % 40) : 40);
    a.seq = (a.seq + 1) & 0xffff;
    a.packets++;
    a.octets += packet.length - 12;
    this.audioFrame++;
    this.audioSocket.send(packet, this.audioTo.port, this.audioTo.ip);
  }

  private sendReports(): void {
    if (this.paused) return;
    const elapsed = this.elapsedMs();
    const wall = this.startWall + elapsed;
    for (const s of this.video) {
      this.videoSocket.send(
        senderReport(s.ssrc, wall, s.tsBase + Math.round((elapsed * s.clockRate) / 1000), s.packets, s.octets),
        this.videoTo.port,
        this.videoTo.ip,
      );
    }
    const a = this.audio;
    this.audioSocket.send(
      senderReport(a.ssrc, wall, a.tsBase + Math.round((elapsed * a.clockRate) / 1000), a.packets, a.octets),
      this.audioTo.port,
      this.audioTo.ip,
    );
  }
}
