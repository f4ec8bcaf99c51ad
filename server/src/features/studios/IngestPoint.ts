import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import type { MediaProducer, MediaRoom, RtpParameters, RtpTransport } from '@consult/sfu';
import type { Logger } from 'pino';
import { invalidState, type IngestProtocol, type IngestStatus } from '@consult/shared';
import { RtmpSniffer } from './rtmpSniffer.js';
import { WhipSession, type WhipEnd, type WhipTiming } from './WhipSession.js';
import type { WhipOffer } from './whipSdp.js';

export type { IngestStatus };

export interface IngestPointEvents {
  /** The feed started (producers exist) or stopped. */
  status: [IngestStatus];
  /** A connection was refused (wrong stream key, or one already publishing). */
  refused: [reason: string];
}

/** H.264 as browsers and the router speak it; RTMP encoders send H.264, which is passed through. */
const H264 = (ssrc: number): RtpParameters => ({
  codecs: [
    {
      mimeType: 'video/H264',
      payloadType: 102,
      clockRate: 90000,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
    },
  ],
  encodings: [{ ssrc }],
});
const OPUS = (ssrc: number): RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 }, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
});

async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = net.connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 40));
  }
  return false;
}

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * An ingest point for a studio's broadcast gear (OBS, a hardware encoder), over RTMP or WHIP
 * with the same key, one publisher at a time. For RTMP it listens on its own port; each
 * connection goes through a proxy that reads the stream key from the `publish` command and
 * cuts a wrong key before any media flows. The accepted session is handed to an ffmpeg that
 * passes the H.264 video through and turns AAC into Opus, as RTP into plain transports on the
 * studio's media peer. A WHIP publisher (see `publishWhip`) gets a WebRTC transport on the same
 * peer instead. Either way the producers carry the sources `ingest-video` and `ingest-audio`.
 * When the encoder drops, the feed shows as signal lost, and the next publisher brings it back.
 *
 * Probing ffmpeg's listener: it connects once to see it is up, which ffmpeg takes as its
 * one client; so the listener is started with the probe excluded (see `session`).
 */
export class IngestPoint extends EventEmitter<IngestPointEvents> {
  private server: net.Server | undefined;
  private session:
    { client: net.Socket; upstream: net.Socket | undefined; ffmpeg: ChildProcess; transports: RtpTransport[]; producers: MediaProducer[] } | undefined;
  private whip: WhipSession | undefined;
  /** An RTMP connection is being set up (between its arrival and its session). */
  private rtmpStarting = false;
  status: IngestStatus = 'waiting';
  port = 0;
  private closed = false;

  constructor(
    readonly id: string,
    readonly consultationId: string,
    readonly studioId: string,
    readonly key: string,
    private readonly room: () => Promise<MediaRoom>,
    private readonly log: Logger,
    private readonly whipTiming: WhipTiming = { connectTimeoutMs: 15_000, signalTimeoutMs: 5000, checkEveryMs: 1000 },
  ) {
    super();
  }

  /** Which protocol carries the live feed (null while none does). */
  get via(): IngestProtocol | null {
    if (this.session && this.status === 'live') return 'rtmp';
    if (this.whip?.isConnected) return 'whip';
    return null;
  }

  /**
   * A WHIP publisher offers its media (the key was checked by the caller). Refused with
   * INVALID_STATE (409) while another publisher, RTMP or WHIP, is on this point.
   */
  async publishWhip(offer: WhipOffer): Promise<{ sessionId: string; answer: string }> {
    if (this.closed) throw invalidState('this ingest point is closed');
    if (this.busy()) {
      this.emit('refused', 'a feed is already being received on this ingest point');
      throw invalidState('a feed is already being received on this ingest point; stop it first (DELETE its session)');
    }
    const room = await this.room();
    if (this.busy()) throw invalidState('a feed is already being received on this ingest point');
    const whip = new WhipSession(room, this.studioId, this.whipTiming, this.log);
    this.whip = whip;
    whip.once('ended', (reason) => this.endWhip(whip, reason));
    whip.once('connected', () => {
      if (this.whip !== whip) return;
      this.status = 'live';
      this.emit('status', 'live');
    });
    const answer = await whip.open(offer);
    return { sessionId: whip.id, answer };
  }

  /** The publisher's DELETE: false if no such session is running here. */
  deleteWhip(sessionId: string): boolean {
    if (!this.whip || this.whip.id !== sessionId) return false;
    this.whip.delete();
    return true;
  }

  private endWhip(whip: WhipSession, reason: WhipEnd): void {
    if (this.whip !== whip) return;
    this.whip = undefined;
    // A publisher that stops on purpose leaves the point waiting; one that vanishes has lost its signal.
    const wasLive = whip.isConnected;
    const status: IngestStatus = reason === 'deleted' ? 'waiting' : wasLive ? 'signal-lost' : this.status;
    const changed = this.status !== status || (wasLive && status === 'signal-lost');
    this.status = status;
    if (changed && !this.closed) this.emit('status', status);
  }

  async listen(port: number, host: string): Promise<number> {
    this.server = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    return this.port;
  }

  private busy(): boolean {
    return Boolean(this.session || this.whip || this.rtmpStarting);
  }

  producers(): MediaProducer[] {
    if (this.session) return this.session.producers;
    return this.whip?.isConnected ? this.whip.producers : [];
  }

  private onConnection(client: net.Socket): void {
    if (this.busy() || this.closed) {
      client.destroy();
      this.emit('refused', 'a feed is already being received on this ingest point');
      return;
    }
    client.setNoDelay(true);
    this.rtmpStarting = true;
    void this.startSession(client)
      .catch((err: unknown) => {
        this.log.warn({ err, ingest: this.id }, 'ingest session failed');
        this.endSession('signal-lost');
      })
      .finally(() => (this.rtmpStarting = false));
  }

  private async startSession(client: net.Socket): Promise<void> {
    const room = await this.room();
    const internalPort = await freeTcpPort();
    const videoSsrc = randomInt(1, 2 ** 31);
    const audioSsrc = randomInt(1, 2 ** 31);
    const video = await room.createPlainTransport(this.studioId, 'send');
    const audio = await room.createPlainTransport(this.studioId, 'send');
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-listen',
        '1',
        // Start forwarding after a second of probing (ffmpeg's default waits five).
        '-analyzeduration',
        '1000000',
        '-probesize',
        '1000000',
        '-i',
        `rtmp://127.0.0.1:${internalPort}/live/${this.key}`,
        // Passed through; SPS/PPS are put in-band before each keyframe (RTMP carries them out of band),
        // which the SFU and the browsers need to start decoding.
        '-map',
        '0:v:0?',
        '-c:v',
        'copy',
        '-bsf:v',
        'h264_mp4toannexb',
        '-f',
        'rtp',
        '-ssrc',
        String(videoSsrc),
        '-payload_type',
        '102',
        `udp://127.0.0.1:${video.tuple.localPort}?pkt_size=1200`,
        '-map',
        '0:a:0?',
        '-c:a',
        'libopus',
        '-ar',
        '48000',
        '-ac',
        '2',
        '-b:a',
        '96k',
        '-f',
        'rtp',
        '-ssrc',
        String(audioSsrc),
        '-payload_type',
        '111',
        `udp://127.0.0.1:${audio.tuple.localPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    ffmpeg.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const session = { client, upstream: undefined as net.Socket | undefined, ffmpeg, transports: [video, audio], producers: [] as MediaProducer[] };
    this.session = session;
    // Closed from outside (the media room went away): the feed is gone.
    for (const transport of session.transports) {
      transport.observer.once('close', () => {
        if (this.session === session) this.endSession(this.status === 'live' ? 'signal-lost' : this.status);
      });
    }
    ffmpeg.on('exit', (code) => {
      if (this.session !== session) return;
      if (code !== 0 && this.status !== 'live') this.log.info({ ingest: this.id, code, stderr }, 'ingest ffmpeg ended');
      this.endSession(this.status === 'live' ? 'signal-lost' : this.status);
    });
    client.on('close', () => {
      if (this.session === session) this.endSession(this.status === 'live' ? 'signal-lost' : this.status);
    });
    client.on('error', () => undefined);

    // Hold the encoder's bytes until ffmpeg listens; read the stream key on the way through.
    const held: Buffer[] = [];
    let validated = false;
    const sniffer = new RtmpSniffer((command) => {
      if (command.name !== 'publish' || validated) return;
      const streamName = typeof command.args[2] === 'string' ? command.args[2] : '';
      if (streamName.split('?')[0] !== this.key) {
        this.emit('refused', 'wrong stream key');
        this.log.warn({ ingest: this.id }, 'ingest refused: wrong stream key');
        this.endSession(this.status);
        return;
      }
      validated = true;
      void this.goLive(session, videoSsrc, audioSsrc).catch((err: unknown) => {
        this.log.warn({ err, ingest: this.id }, 'could not create the ingest producers');
        this.endSession('signal-lost');
      });
    });
    const onClientData = (data: Buffer) => {
      sniffer.push(data);
      if (this.session !== session) return;
      if (session.upstream) session.upstream.write(data);
      else held.push(data);
    };
    client.on('data', onClientData);
    // ffmpeg's listener takes its first connection as the publisher: wait for its port without probing it.
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 50 && this.session === session; i++) {
      const upstream = await new Promise<net.Socket | undefined>((resolve) => {
        const s = net.connect(internalPort, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (upstream) {
        session.upstream = upstream;
        upstream.setNoDelay(true);
        upstream.on('data', (d: Buffer) => client.write(d));
        upstream.on('close', () => client.destroy());
        upstream.on('error', () => undefined);
        for (const chunk of held.splice(0)) upstream.write(chunk);
        return;
      }
      await new Promise((r) => setTimeout(r, 60));
    }
    if (this.session === session) throw new Error('ffmpeg did not start listening');
  }

  private async goLive(session: NonNullable<IngestPoint['session']>, videoSsrc: number, audioSsrc: number): Promise<void> {
    const room = await this.room();
    const [video, audio] = session.transports as [RtpTransport, RtpTransport];
    const videoProducer = await room.produce(this.studioId, {
      transportId: video.id,
      kind: 'video',
      source: 'ingest-video',
      rtpParameters: H264(videoSsrc),
      paused: false,
    });
    const audioProducer = await room.produce(this.studioId, {
      transportId: audio.id,
      kind: 'audio',
      source: 'ingest-audio',
      rtpParameters: OPUS(audioSsrc),
      paused: false,
    });
    if (this.session !== session) {
      videoProducer.close();
      audioProducer.close();
      return;
    }
    session.producers.push(videoProducer, audioProducer);
    this.status = 'live';
    this.emit('status', 'live');
  }

  private endSession(status: IngestStatus): void {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    session.client.destroy();
    session.upstream?.destroy();
    if (session.ffmpeg.exitCode === null) session.ffmpeg.kill('SIGKILL');
    for (const t of session.transports) t.close();
    const changed = this.status !== status || status === 'signal-lost';
    this.status = status;
    if (changed) this.emit('status', status);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endSession(this.status);
    this.whip?.close();
    this.server?.close();
  }
}

export { waitForPort };
