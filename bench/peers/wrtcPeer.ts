/**
 * A real WebRTC participant without a browser: libwebrtc (M106) from `@roamhq/wrtc`, driven by
 * mediasoup-client's Chrome111 handler, speaking our signalling protocol over socket.io.
 *
 * It does what a member's browser does on "join" (client/src/features/session/controller.ts
 * and client/src/features/media/engine.ts): connect the socket, `session.join` with its token,
 * load a Device with the router's capabilities, `media.setCapabilities`, create and connect
 * (ICE + DTLS) a receive transport, consume everyone's producers (created paused, then
 * `media.resumeConsumer`), create a send transport and produce its microphone (and camera).
 * Audio and video come from wrtc's nonstandard RTCAudioSource / RTCVideoSource, fed by one
 * shared clock in this process (a sine tone; a moving bar on grey).
 *
 * Timings (ms from the start of join(), the "click"): `joinedMs` (session.join acked),
 * `recvConnectedMs` (receive transport's ICE + DTLS connected), `firstPacketMs` (first inbound-rtp
 * with a codec and packetsReceived > 0, audio or video), `firstVideoPacketMs` (the same for
 * video), `firstFrameMs` (first decoded video frame delivered to an RTCVideoSink on the consumer's
 * track, as a <video> element would get it) and `statsDecodedMs` (first 50 ms stats poll showing
 * framesDecoded > 0: confirms the sink's figure at a coarser resolution). mediasoup's bandwidth
 * probator shows up as an inbound video stream without a codec: ignored.
 */
import wrtc from '@roamhq/wrtc';
import { Device, type types as ms } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import { openTransport } from '../../client/src/features/media/transport.js';
import type { Ack, ClientToServerEvents, JoinReply, ProducerInfo, ReplyData, RequestName, RequestPayload, ServerToClientEvents } from '@consult/shared';

type ConsultSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AudioSource = InstanceType<typeof wrtc.nonstandard.RTCAudioSource>;
type VideoSource = InstanceType<typeof wrtc.nonstandard.RTCVideoSource>;

let installed = false;

/** Puts wrtc's WebRTC classes where mediasoup-client's handlers look for them (the globals). */
export function installWrtcGlobals(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as Record<string, unknown>;
  for (const name of [
    'RTCPeerConnection',
    'RTCSessionDescription',
    'RTCIceCandidate',
    'MediaStream',
    'MediaStreamTrack',
    'RTCRtpSender',
    'RTCRtpReceiver',
    'RTCRtpTransceiver',
    'RTCDataChannel',
  ] as const) {
    if (g[name] === undefined) g[name] = (wrtc as unknown as Record<string, unknown>)[name];
  }
}

/** Three VP8 simulcast layers, as the browser client publishes its camera. */
const CAMERA_ENCODINGS: ms.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 120_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
];

const REQUEST_TIMEOUT_MS = 30_000;
const SAMPLE_RATE = 48_000;
const AUDIO_FRAME = SAMPLE_RATE / 100; // 10 ms

/**
 * One clock for every synthetic source in the process: 10 ms audio frames and video frames at
 * `fps`. The frames are generated once and shared; only a bar moves, so the encoder has work.
 */
class MediaClock {
  private readonly audio = new Set<AudioSource>();
  private readonly video = new Set<VideoSource>();
  private readonly samples = new Int16Array(AUDIO_FRAME);
  private frame: Uint8Array;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private phase = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly fps: number,
  ) {
    this.frame = new Uint8Array((width * height * 3) / 2).fill(128);
  }

  addAudio(source: AudioSource): void {
    this.audio.add(source);
    this.start();
  }

  addVideo(source: VideoSource): void {
    this.video.add(source);
    this.start();
  }

  remove(source: AudioSource | VideoSource): void {
    this.audio.delete(source as AudioSource);
    this.video.delete(source as VideoSource);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    if (this.timer) return;
    let next = performance.now();
    // setInterval drifts under load; catch up on missed 10 ms ticks so audio keeps its rate.
    this.timer = setInterval(() => {
      const now = performance.now();
      let n = 0;
      while (next <= now && n++ < 10) {
        next += 10;
        this.tick();
      }
      if (next < now) next = now;
    }, 10);
  }

  private tick(): void {
    this.ticks++;
    if (this.audio.size > 0) {
      for (let i = 0; i < AUDIO_FRAME; i++) {
        this.samples[i] = Math.round(3000 * Math.sin(this.phase));
        this.phase += (2 * Math.PI * 440) / SAMPLE_RATE;
      }
      this.phase %= 2 * Math.PI;
      for (const source of this.audio)
        source.onData({ samples: this.samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: AUDIO_FRAME });
    }
    const every = Math.max(1, Math.round(100 / this.fps));
    if (this.video.size > 0 && this.ticks % every === 0) {
      this.drawBar();
      for (const source of this.video) source.onFrame({ width: this.width, height: this.height, data: this.frame });
    }
  }

  private drawBar(): void {
    const { width, height } = this;
    const luma = this.frame.subarray(0, width * height);
    luma.fill(128);
    const barWidth = Math.max(8, width >> 4);
    const x0 = Math.floor((this.ticks / 2) % (width - barWidth));
    for (let y = 0; y < height; y++) luma.fill(235, y * width + x0, y * width + x0 + barWidth);
  }
}

export const clock = new MediaClock(640, 360, 15);

export interface PeerOptions {
  url: string;
  token: string;
  /** Publish a microphone (paused for a member without the floor, as the browser does). */
  mic: boolean;
  /** Publish a camera (VP8, three simulcast layers). */
  camera: boolean;
  /**
   * Consume only the producers of this participant (the publisher), not everyone's: leaves out the
   * O(M²) renegotiations of the members' paused microphones, which a browser does on its own core
   * but which M peers in one process do on one.
   */
  consumeOnly?: string;
  /** Simulcast layer asked for each video consumer (the browser's grid tile asks for 0). */
  spatialLayer?: number;
  /** Give up waiting for media after this long. */
  timeoutMs?: number;
}

export interface PeerTimings {
  joinedMs: number;
  recvConnectedMs: number;
  firstPacketMs: number;
  firstVideoPacketMs: number;
  /** First decoded video frame delivered to the track (an RTCVideoSink on it, as a <video> element). */
  firstFrameMs: number;
  /** First stats poll (every 50 ms) showing inbound-rtp video framesDecoded > 0. */
  statsDecodedMs: number;
}

export class WrtcPeer {
  private socket: ConsultSocket | undefined;
  private device: Device | undefined;
  private recv: ms.Transport | undefined;
  private send: ms.Transport | undefined;
  private readonly consumed = new Set<string>();
  private readonly consumers: ms.Consumer[] = [];
  private readonly producers: ms.Producer[] = [];
  private audioSource: AudioSource | undefined;
  private videoSource: VideoSource | undefined;
  private selfId = '';
  /** Our participant id, once joined. */
  get participantId(): string {
    return this.selfId;
  }
  private onFrame: () => void = () => undefined;
  private readonly sinks: InstanceType<typeof wrtc.nonstandard.RTCVideoSink>[] = [];
  private closed = false;
  /** Errors from background steps (consuming a producer), reported with the result. */
  readonly errors: string[] = [];

  constructor(readonly options: PeerOptions) {
    installWrtcGlobals();
  }

  /** Joins and resolves once media has been decoded (or the timeout passed: NaN fields). */
  async join(): Promise<PeerTimings> {
    const t0 = performance.now();
    const since = () => performance.now() - t0;
    const timings: PeerTimings = { joinedMs: NaN, recvConnectedMs: NaN, firstPacketMs: NaN, firstVideoPacketMs: NaN, firstFrameMs: NaN, statsDecodedMs: NaN };
    const socket: ConsultSocket = io(this.options.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: REQUEST_TIMEOUT_MS,
      query: { token: this.options.token },
    });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const pending: ProducerInfo[] = [];
    let recvReady = false;
    socket.on('media.producerAdded', (p) => (recvReady ? void this.consume(p) : pending.push(p)));
    socket.on('media.producerUpdated', (p) => (recvReady ? void this.consume(p) : pending.push(p)));

    const reply = await this.request('session.join', { token: this.options.token });
    timings.joinedMs = since();
    this.selfId = reply.self.id;
    // What the browser asks for beside media once in the room (clock, floor, motions, transcript, stream).
    void Promise.allSettled([
      this.request('time.sync', { clientTime: Date.now() }),
      this.request('motion.list', {}),
      this.request('transcript.state', {}),
      this.request('stream.state', {}),
    ]);

    const device = new Device({ handlerName: 'Chrome111' });
    await device.load({ routerRtpCapabilities: reply.routerRtpCapabilities as ms.RtpCapabilities });
    this.device = device;
    const caps = device.recvRtpCapabilities;
    await this.request('media.setCapabilities', { rtpCapabilities: { ...caps, codecs: caps.codecs ?? [] } });

    const recv = await this.createTransport('recv');
    recv.on('connectionstatechange', (state) => {
      if (state === 'connected' && Number.isNaN(timings.recvConnectedMs)) timings.recvConnectedMs = since();
    });
    recvReady = true;
    for (const p of [...reply.producers, ...pending.splice(0)]) void this.consume(p);

    // As in the browser, publishing runs beside receiving: the first media does not wait for it.
    const publishing = this.publish(reply).catch((err: unknown) => {
      if (!this.closed) this.errors.push(`publish: ${(err as Error).message}`);
    });

    // The first decoded video frame arrives at the track's sink (see consume()); the stats,
    // polled every 50 ms, give the first packet and confirm framesDecoded > 0.
    const deadline = this.options.timeoutMs ?? 30_000;
    this.onFrame = () => {
      if (Number.isNaN(timings.firstFrameMs)) timings.firstFrameMs = since();
    };
    const done = () => !Number.isNaN(timings.firstFrameMs) && !Number.isNaN(timings.firstPacketMs) && !Number.isNaN(timings.statsDecodedMs);
    while (!this.closed && since() < deadline && !done()) {
      const report = await recv.getStats().catch(() => new Map<string, RTCStats>());
      for (const entry of report.values() as IterableIterator<Record<string, unknown>>) {
        // mediasoup's bandwidth probator shows up as an inbound video stream without a codec.
        if (entry.type !== 'inbound-rtp' || !entry.codecId) continue;
        const packets = Number(entry.packetsReceived ?? 0) > 0;
        if (packets && Number.isNaN(timings.firstPacketMs)) timings.firstPacketMs = since();
        if (packets && entry.kind === 'video' && Number.isNaN(timings.firstVideoPacketMs)) timings.firstVideoPacketMs = since();
        if (entry.kind === 'video' && Number(entry.framesDecoded ?? 0) > 0 && Number.isNaN(timings.statsDecodedMs)) timings.statsDecodedMs = since();
      }
      if (!done()) await new Promise((r) => setTimeout(r, 50));
    }
    await publishing;
    return timings;
  }

  /** Creates a transport the way the browser does (the client's own openTransport). */
  private async createTransport(direction: 'send' | 'recv'): Promise<ms.Transport> {
    const info = await this.request('media.createTransport', { direction });
    const transport = openTransport(this.device!, direction, info, (name, payload) => this.request(name, payload));
    if (direction === 'recv') this.recv = transport;
    else this.send = transport;
    return transport;
  }

  private async consume(info: ProducerInfo): Promise<void> {
    if (this.closed || info.participantId === this.selfId || this.consumed.has(info.producerId) || !this.recv) return;
    if (this.options.consumeOnly !== undefined && info.participantId !== this.options.consumeOnly) return;
    this.consumed.add(info.producerId);
    try {
      const reply = await this.request('media.consume', { producerId: info.producerId });
      const consumer = await this.recv.consume({
        id: reply.id,
        producerId: reply.producerId,
        kind: reply.kind,
        rtpParameters: reply.rtpParameters as ms.RtpParameters,
        streamId: reply.participantId,
      });
      this.consumers.push(consumer);
      if (reply.kind === 'video') {
        // Decoded frames are delivered to the track's sinks; one frame is enough, then stop copying them.
        const sink = new wrtc.nonstandard.RTCVideoSink(consumer.track);
        this.sinks.push(sink);
        sink.onframe = () => {
          this.onFrame();
          sink.stop();
        };
      }
      await this.request('media.resumeConsumer', { consumerId: consumer.id });
      if (reply.kind === 'video') await this.request('media.setConsumerLayers', { consumerId: consumer.id, spatialLayer: this.options.spatialLayer ?? 0 });
    } catch (err) {
      if (!this.closed) this.errors.push(`consume ${info.producerId}: ${(err as Error).message}`);
    }
  }

  /** Microphone (paused unless we may speak, as the browser) and camera on a send transport. */
  private async publish(reply: JoinReply): Promise<void> {
    const { mic, camera } = this.options;
    const wantAudio = mic && reply.mayPublish.audio;
    const wantVideo = camera && reply.mayPublish.video;
    if (!wantAudio && !wantVideo) return;
    const send = await this.createTransport('send');
    if (wantAudio) {
      this.audioSource = new wrtc.nonstandard.RTCAudioSource();
      // Members speak only with the floor; the moderator's microphone is open.
      const paused = reply.self.role !== 'moderator' && reply.floor?.speech?.participantId !== reply.self.id;
      // A paused producer's transceiver is inactive: feeding it samples would only cost this core.
      if (!paused) clock.addAudio(this.audioSource);
      const producer = await send.produce({ track: this.audioSource.createTrack(), codecOptions: { opusFec: true }, appData: { source: 'mic', paused } });
      if (paused) producer.pause();
      this.producers.push(producer);
    }
    if (wantVideo) {
      this.videoSource = new wrtc.nonstandard.RTCVideoSource();
      clock.addVideo(this.videoSource);
      const vp8 = this.device!.recvRtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
      const producer = await send.produce({
        track: this.videoSource.createTrack(),
        encodings: CAMERA_ENCODINGS,
        codec: vp8,
        appData: { source: 'camera', paused: false },
      });
      this.producers.push(producer);
    }
  }

  /** Sends a request; rejects with the server's error code and message. */
  request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<ReplyData[N]> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.reject(new Error(`${name}: not connected`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
      (socket.emit as (n: N, p: RequestPayload<N>, ack: (reply: Ack<ReplyData[N]>) => void) => void)(name, payload, (reply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply.data);
        else reject(new Error(`${name}: ${reply.error.code} ${reply.error.message}`));
      });
    });
  }

  /** The send transport's outbound-rtp entries (for diagnostics: key frames, PLIs, layers). */
  async outboundStats(): Promise<Record<string, unknown>[]> {
    if (!this.send || this.send.closed) return [];
    const report = await this.send.getStats();
    return [...(report.values() as IterableIterator<Record<string, unknown>>)].filter((e) => e.type === 'outbound-rtp');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const source of [this.audioSource, this.videoSource]) if (source) clock.remove(source);
    for (const sink of this.sinks) if (!sink.stopped) sink.stop();
    this.recv?.close();
    this.send?.close();
    this.socket?.disconnect();
  }
}
