/**
 * The two arms of bench:fanout, built the same way on fresh workers:
 *
 * - ours: the project's SFU classes (sfu/src MediaService → WorkerPool → MediaRoom): the studio
 *   and the speaker produce through MediaRoom.createPlainTransport('send') + MediaRoom.produce,
 *   each receiver is a MediaRoom participant with a 'recv' PlainTransport, MediaRoom.consume
 *   (paused, lowest layer), MediaRoom.setConsumerLayers and MediaRoom.resumeConsumer. The room
 *   keeps its active-speaker observer; the audio policy lets the speaker through.
 * - bare: mediasoup.createWorker with the same settings, a router with the same codecs, and the
 *   same transports, producers and consumers made directly.
 *
 * With two workers the producers stay on router A and half the receivers are on router B,
 * reached by router.pipeToRouter. In our arm the room does this itself: a router cap of two
 * consumers sends the receivers past the first to whichever of its two routers is less loaded,
 * and MediaRoom pipes the producers to router B on first use. The bare arm alternates receivers
 * between the two routers and pipes once.
 */
import { execFileSync } from 'node:child_process';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MediaService, MEDIA_CODECS, type MediaConfig } from '../../sfu/src/index.js';
import { AUDIO_LEVEL_EXT_ID, OPUS_PT, VP8_PT } from './rtp.js';
import { LAYERS, type Endpoint, type RtpSender } from './sender.js';

export type ArmName = 'ours' | 'bare';

export interface ReceiverConsumer {
  consumer: types.Consumer;
  kind: 'audio' | 'video';
  ssrc: number;
}

export interface Arm {
  name: ArmName;
  workerPids: number[];
  videoIn: Endpoint;
  audioIn: Endpoint;
  /** Receiver `index`: a recv PlainTransport connected to `to`, an audio and a video consumer, resumed. */
  addReceiver(index: number, to: Endpoint, onConsumer: (c: ReceiverConsumer) => void): Promise<void>;
  /** Receivers per router (ours only: where the room placed them). */
  routerReceivers?: () => number[];
  close(): Promise<void>;
}

export interface ArmOptions {
  workers: 1 | 2;
  /** Spatial layer the video consumers are set to. */
  layer: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Cores the workers are pinned to (taskset list), or undefined for no pinning. */
  workerCpus: string | undefined;
}

const LISTEN_IP = '127.0.0.1';
const silentLog = { warn: () => undefined, info: () => undefined };

export function videoRtpParameters(sender: RtpSender): types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PT,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    encodings: sender.video.map((s, i) => ({ ssrc: s.ssrc, maxBitrate: LAYERS[i]!.bitrate })),
    headerExtensions: [],
    rtcp: { cname: 'studio-feed', reducedSize: true },
  };
}

export function audioRtpParameters(sender: RtpSender): types.RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
    encodings: [{ ssrc: sender.audio.ssrc }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXT_ID }],
    rtcp: { cname: 'speaker', reducedSize: true },
  };
}

/**
 * What a plain RTP receiver can take: the router's capabilities without transport-cc and REMB.
 * Our sink sends no feedback, so a bandwidth estimator on the receiver's transport would only
 * starve the consumers; nothing else is removed.
 */
export function receiverCapabilities(router: types.Router): types.RtpCapabilities {
  const caps = router.rtpCapabilities;
  return {
    codecs: (caps.codecs ?? []).map((c) => ({
      ...c,
      rtcpFeedback: (c.rtcpFeedback ?? []).filter((fb) => fb.type !== 'transport-cc' && fb.type !== 'goog-remb'),
    })),
    headerExtensions: (caps.headerExtensions ?? []).filter((h) => !h.uri.includes('transport-wide-cc')),
  };
}

function pin(pid: number, cpus: string | undefined): void {
  if (cpus) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

function ssrcOf(consumer: types.Consumer): number {
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (ssrc === undefined) throw new Error(`consumer ${consumer.id} has no SSRC`);
  return ssrc;
}

function mediaConfig(options: ArmOptions): MediaConfig {
  return {
    numWorkers: options.workers,
    rtcMinPort: options.rtcMinPort,
    rtcMaxPort: options.rtcMaxPort,
    listenIp: LISTEN_IP,
    enableTcp: false,
    initialOutgoingBitrate: 1_000_000,
    maxIncomingBitrate: 5_000_000,
    logLevel: 'warn',
    // With two workers, the room's first router is full after one receiver (two consumers):
    // the rest go to whichever of the two routers carries less, as in production past 500.
    ...(options.workers === 2 ? { consumersPerRouter: 2 } : {}),
  };
}

const workerSettings = (options: ArmOptions): types.WorkerSettings => ({ logLevel: 'warn', rtcMinPort: options.rtcMinPort, rtcMaxPort: options.rtcMaxPort });

export async function createOurArm(options: ArmOptions, sender: RtpSender): Promise<Arm> {
  const service = new MediaService(mediaConfig(options), silentLog);
  await service.start();
  const workerPids = service.pool.pids();
  for (const pid of workerPids) pin(pid, options.workerCpus);

  const room = await service.room('fanout');
  room.setAudioPolicy(() => true);

  const studio = await room.createPlainTransport('studio', 'send');
  const video = await room.produce('studio', {
    transportId: studio.id,
    kind: 'video',
    source: 'ingest-video',
    rtpParameters: videoRtpParameters(sender),
    paused: false,
  });
  const mic = await room.createPlainTransport('speaker', 'send');
  const audio = await room.produce('speaker', { transportId: mic.id, kind: 'audio', source: 'mic', rtpParameters: audioRtpParameters(sender), paused: false });

  const caps = receiverCapabilities(room.router);
  return {
    name: 'ours',
    workerPids,
    videoIn: { ip: studio.tuple.localIp, port: studio.tuple.localPort },
    audioIn: { ip: mic.tuple.localIp, port: mic.tuple.localPort },
    async addReceiver(index, to, onConsumer) {
      const participantId = `receiver-${index}`;
      room.setCapabilities(participantId, caps);
      await room.createPlainTransport(participantId, 'recv', to);
      for (const producerId of [audio.id, video.id]) {
        const info = await room.consume(participantId, producerId);
        const consumer = room.peers.get(participantId)!.consumer(info.id);
        onConsumer({ consumer, kind: consumer.kind, ssrc: ssrcOf(consumer) });
        if (consumer.kind === 'video') await room.setConsumerLayers(participantId, info.id, options.layer);
        await room.resumeConsumer(participantId, info.id);
      }
    },
    routerReceivers: () => room.routers().map((r) => r.receivers),
    async close() {
      service.close();
      await waitForExit(workerPids);
    },
  };
}

export async function createBareArm(options: ArmOptions, sender: RtpSender): Promise<Arm> {
  const workers: types.Worker[] = [];
  for (let i = 0; i < options.workers; i++) workers.push(await mediasoup.createWorker(workerSettings(options)));
  const workerPids = workers.map((w) => w.pid);
  for (const pid of workerPids) pin(pid, options.workerCpus);
  const routers: types.Router[] = [];
  for (const worker of workers) routers.push(await worker.createRouter({ mediaCodecs: MEDIA_CODECS }));
  const routerA = routers[0]!;

  const studio = await routerA.createPlainTransport({ listenIp: { ip: LISTEN_IP }, rtcpMux: true, comedia: true });
  const video = await studio.produce({ kind: 'video', rtpParameters: videoRtpParameters(sender) });
  const mic = await routerA.createPlainTransport({ listenIp: { ip: LISTEN_IP }, rtcpMux: true, comedia: true });
  const audio = await mic.produce({ kind: 'audio', rtpParameters: audioRtpParameters(sender) });
  const routerB = routers[1];
  if (routerB) {
    await routerA.pipeToRouter({ producerId: video.id, router: routerB });
    await routerA.pipeToRouter({ producerId: audio.id, router: routerB });
  }

  const caps = receiverCapabilities(routerA);
  return {
    name: 'bare',
    workerPids,
    videoIn: { ip: studio.tuple.localIp, port: studio.tuple.localPort },
    audioIn: { ip: mic.tuple.localIp, port: mic.tuple.localPort },
    async addReceiver(index, to, onConsumer) {
      const router = routers[index % routers.length]!;
      const transport = await router.createPlainTransport({ listenIp: { ip: LISTEN_IP }, rtcpMux: true, comedia: false });
      await transport.connect(to);
      for (const producer of [audio, video]) {
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: caps,
          paused: true,
          ...(producer.kind === 'video' ? { preferredLayers: { spatialLayer: options.layer } } : {}),
        });
        onConsumer({ consumer, kind: consumer.kind, ssrc: ssrcOf(consumer) });
        await consumer.resume();
      }
    },
    async close() {
      for (const worker of workers) worker.close();
      await waitForExit(workerPids);
    },
  };
}

/** Waits (up to 3 s) until the worker processes are gone, so a closing worker does not overlap the next arm. */
async function waitForExit(pids: number[]): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (alive.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
