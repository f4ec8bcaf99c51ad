import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { AppError, ErrorCode, notFound, type ConsumerInfo, type MediaSource, type ProducerInfo, type TransportInfo } from '@consult/shared';
import { AudioTap } from './AudioTap.js';
import { DEFAULT_CONSUMERS_PER_ROUTER, KEY_FRAME_REQUEST_DELAY_MS, MEDIA_CODECS, type MediaConfig } from './config.js';
import { RtpOutput } from './RtpOutput.js';
import type { DtlsParameters, FeedTransport, IceParameters, MediaProducer, PeerStats, RtpCapabilities, RtpParameters, RtpTransport } from './types.js';

/** The close reason of a room whose worker went away. */
export const WORKER_CLOSED = 'worker closed';

/** What the room keeps on each producer (its mediasoup appData). */
export interface ProducerAppData {
  participantId: string;
  source: MediaSource;
  /** What the participant's client asked for; the producer is paused if this is true or policy says off air. */
  clientPaused: boolean;
}

/** What the room keeps on each transport (its mediasoup appData). */
export interface TransportAppData {
  participantId: string;
  direction: 'send' | 'recv';
  owner: TransportOwner;
}

/** The room's data of a producer: every producer is created by `produce`, which sets it. */
export function producerData(producer: types.Producer): ProducerAppData {
  return producer.appData as ProducerAppData;
}

/** The room's data of a transport: every transport is created by `addTransport`, which sets it. */
export function transportData(transport: types.Transport): TransportAppData {
  return transport.appData as TransportAppData;
}

/** What everyone is told of a producer. */
export function producerInfo(producer: types.Producer): ProducerInfo {
  const data = producerData(producer);
  return { producerId: producer.id, participantId: data.participantId, kind: producer.kind, source: data.source, paused: producer.paused };
}

/** Where a room finds workers for the routers its receivers spill onto (the worker pool). */
export interface WorkerPlacer {
  acquireOther(exclude: readonly types.Worker[]): types.Worker | undefined;
  release(worker: types.Worker): void;
}

/**
 * One of a room's routers. Producers live on the first (the room's own router); receivers go
 * to whichever router has room, and a producer is piped to an extra router the first time a
 * receiver there consumes it.
 */
interface RouterSlot {
  router: types.Router;
  worker: types.Worker;
  /** Recv transports placed here, with the number of consumers each carries. */
  receivers: Map<string, number>;
  /** Producers piped here from the first router, by producer id. */
  pipes: Map<string, Promise<void>>;
  /** Receivers placed here whose transport is still being created. */
  pending: number;
}

/** Whose microphones the SFU forwards: decided by the floor, enforced here. */
export type AudioPolicy = (participantId: string) => boolean;

/**
 * Who a transport serves: the participant's browser, or a feed sent on their behalf (a studio's
 * RTMP or WHIP ingest). A browser that leaves takes its own transports with it, not the feed's.
 */
export type TransportOwner = 'browser' | 'feed';

/** One participant's media on the SFU: their transports, producers and consumers. */
export class MediaPeer {
  /** WebRTC transports from browsers; plain RTP transports for ingest (studios' streams) and probes. */
  readonly transports = new Map<string, types.WebRtcTransport | types.PlainTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  rtpCapabilities: types.RtpCapabilities | undefined;
  private closed = false;

  constructor(readonly participantId: string) {}

  get isClosed(): boolean {
    return this.closed;
  }

  transport(id: string): types.WebRtcTransport | types.PlainTransport {
    const transport = this.transports.get(id);
    if (!transport) throw notFound(`transport ${id}`);
    return transport;
  }

  webRtcTransport(id: string): types.WebRtcTransport {
    const transport = this.transport(id);
    if (!('iceParameters' in transport)) throw new AppError(ErrorCode.INVALID_STATE, `transport ${id} is not a WebRTC transport`);
    return transport;
  }

  producer(id: string): types.Producer {
    const producer = this.producers.get(id);
    if (!producer) throw notFound(`producer ${id}`);
    return producer;
  }

  consumer(id: string): types.Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer) throw notFound(`consumer ${id}`);
    return consumer;
  }

  /** Closing the transports closes their producers and consumers (mediasoup cascades). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}

export interface MediaRoomEvents {
  /** A producer was created (a browser's, or a studio feed's). */
  producerAdded: [ProducerInfo];
  /** A producer was paused or resumed: by its own client, or by the audio policy (`byPolicy`, the owner's client must follow). */
  producerUpdated: [ProducerInfo, { byPolicy: boolean }];
  producerClosed: [{ producerId: string; participantId: string }];
  consumerClosed: [{ participantId: string; consumerId: string; producerId: string }];
  activeSpeaker: [string | null];
  closed: [reason: string];
}

/**
 * A consultation's media room: its mediasoup router (every producer is here), the peers,
 * an active-speaker observer over every microphone, and, once the receivers outgrow one
 * router, more routers on other workers fed by pipeToRouter.
 */
export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  readonly peers = new Map<string, MediaPeer>();
  private closed = false;
  private activeSpeakerId: string | null = null;
  private onAir: AudioPolicy = () => true;
  private policyTail: Promise<unknown> = Promise.resolve();
  private readonly home: RouterSlot;
  private readonly extra: RouterSlot[] = [];
  private readonly slotOfTransport = new Map<string, RouterSlot>();
  private opening: Promise<RouterSlot | undefined> | null = null;
  /** Local outputs (the public stream's inputs) and transcript taps: closed with the room, and they keep it in use. */
  private readonly outputs = new Set<{ close(): void; readonly closed: boolean }>();

  private constructor(
    readonly consultationId: string,
    readonly worker: types.Worker,
    readonly router: types.Router,
    private readonly speakerObserver: types.ActiveSpeakerObserver,
    private readonly config: MediaConfig,
    private readonly placer: WorkerPlacer | undefined,
  ) {
    super();
    this.home = { router, worker, receivers: new Map(), pipes: new Map(), pending: 0 };
    speakerObserver.on('dominantspeaker', ({ producer }: { producer: types.Producer }) => {
      const data = producerData(producer);
      this.activeSpeakerId = data.participantId;
      this.emit('activeSpeaker', data.participantId);
    });
    router.on('workerclose', () => this.close(WORKER_CLOSED));
  }

  /** `placer` lets the room add routers on other workers when its receivers outgrow one. */
  static async create(consultationId: string, worker: types.Worker, config: MediaConfig, placer?: WorkerPlacer): Promise<MediaRoom> {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { consultationId } });
    const observer = await router.createActiveSpeakerObserver({ interval: 300 });
    return new MediaRoom(consultationId, worker, router, observer, config, placer);
  }

  /** The routers this room spans (the first holds the producers) and their receivers. */
  routers(): { router: types.Router; workerPid: number; receivers: number; consumers: number; piped: number }[] {
    return [this.home, ...this.extra].map((slot) => ({
      router: slot.router,
      workerPid: slot.worker.pid,
      receivers: slot.receivers.size,
      consumers: [...slot.receivers.values()].reduce((a, b) => a + b, 0),
      piped: slot.pipes.size,
    }));
  }

  /** What a router carries, counting each receiver as at least every producer it is about to consume. */
  private load(slot: RouterSlot): number {
    let producers = 0;
    for (const peer of this.peers.values()) producers += peer.producers.size;
    let load = slot.pending * Math.max(producers, 1);
    for (const consumers of slot.receivers.values()) load += Math.max(consumers, producers, 1);
    return load;
  }

  /** The router a new receiver goes to: the least loaded one, or a new one on another worker when all are full. */
  private async placeReceiver(): Promise<RouterSlot> {
    const cap = this.config.consumersPerRouter ?? DEFAULT_CONSUMERS_PER_ROUTER;
    const byLoad = () => [this.home, ...this.extra].map((slot) => ({ slot, load: this.load(slot) })).sort((a, b) => a.load - b.load)[0]!;
    let best = byLoad();
    if (best.load >= cap && this.placer) {
      await this.openRouter();
      best = byLoad();
    }
    // Reserved at once, so a burst of receivers spreads out instead of all taking the same router.
    best.slot.pending++;
    return best.slot;
  }

  /** Opens one more router on a worker this room does not use yet (one at a time); undefined if none is free. */
  private openRouter(): Promise<RouterSlot | undefined> {
    this.opening ??= (async () => {
      const worker = this.placer?.acquireOther([this.home, ...this.extra].map((s) => s.worker));
      if (!worker) return undefined;
      try {
        const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { consultationId: this.consultationId } });
        if (this.closed) {
          router.close();
          this.placer!.release(worker);
          return undefined;
        }
        router.on('workerclose', () => this.close(WORKER_CLOSED));
        const slot: RouterSlot = { router, worker, receivers: new Map(), pipes: new Map(), pending: 0 };
        this.extra.push(slot);
        return slot;
      } catch {
        this.placer!.release(worker);
        return undefined;
      }
    })().finally(() => (this.opening = null));
    return this.opening;
  }

  /** Makes a producer of the first router consumable on another (once per producer and router). */
  private pipe(producerId: string, slot: RouterSlot): Promise<void> {
    let piped = slot.pipes.get(producerId);
    if (!piped) {
      piped = this.router.pipeToRouter({ producerId, router: slot.router }).then(({ pipeProducer }) => {
        pipeProducer?.observer.once('close', () => slot.pipes.delete(producerId));
      });
      piped.catch(() => slot.pipes.delete(producerId));
      slot.pipes.set(producerId, piped);
    }
    return mediaCall(() => piped);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get rtpCapabilities(): RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get currentSpeaker(): string | null {
    return this.activeSpeakerId;
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError(ErrorCode.MEDIA, 'the media room was closed; rejoin to rebuild it');
  }

  peer(participantId: string): MediaPeer {
    this.assertOpen();
    let peer = this.peers.get(participantId);
    if (!peer) {
      peer = new MediaPeer(participantId);
      this.peers.set(participantId, peer);
    }
    return peer;
  }

  /** Ends a participant's media: their producers' consumers on other peers close too. */
  removePeer(participantId: string): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    this.peers.delete(participantId);
    peer.close();
  }

  /**
   * Closes the participant's transports that serve `owner`, with their producers and consumers;
   * the others (a studio's feed when its browser leaves) stay.
   */
  closeTransports(participantId: string, owner: TransportOwner): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    for (const transport of [...peer.transports.values()]) {
      if (transportData(transport).owner === owner) transport.close();
    }
  }

  setCapabilities(participantId: string, rtpCapabilities: RtpCapabilities): number {
    const peer = this.peer(participantId);
    peer.rtpCapabilities = rtpCapabilities;
    let consumable = 0;
    for (const other of this.peers.values()) {
      for (const producer of other.producers.values()) {
        if (this.router.canConsume({ producerId: producer.id, rtpCapabilities })) consumable++;
      }
    }
    return consumable;
  }

  /**
   * Creates a transport on the participant's peer: sending ones on the room's router (where
   * the producers live), receiving ones on the router the room places them on.
   */
  private async addTransport<T extends types.WebRtcTransport | types.PlainTransport>(
    participantId: string,
    direction: 'send' | 'recv',
    create: (router: types.Router) => Promise<T>,
  ): Promise<T> {
    const peer = this.peer(participantId);
    const slot = direction === 'recv' ? await this.placeReceiver() : this.home;
    let transport: T;
    try {
      transport = await create(slot.router);
    } finally {
      if (direction === 'recv') slot.pending--;
    }
    if (peer.isClosed || this.closed) {
      transport.close();
      throw new AppError(ErrorCode.INVALID_STATE, 'participant left while the transport was being created');
    }
    peer.transports.set(transport.id, transport);
    transport.observer.on('close', () => peer.transports.delete(transport.id));
    this.slotOfTransport.set(transport.id, slot);
    if (direction === 'recv') slot.receivers.set(transport.id, 0);
    transport.observer.once('close', () => {
      this.slotOfTransport.delete(transport.id);
      slot.receivers.delete(transport.id);
    });
    return transport;
  }

  async createTransport(participantId: string, direction: 'send' | 'recv', owner: TransportOwner = 'browser'): Promise<TransportInfo> {
    const transport = await this.addTransport(participantId, direction, (router) =>
      router.createWebRtcTransport({
        listenIps: [{ ip: this.config.listenIp, announcedIp: this.config.announcedIp }],
        enableUdp: true,
        enableTcp: this.config.enableTcp,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.config.initialOutgoingBitrate,
        appData: { participantId, direction, owner } satisfies TransportAppData,
      }),
    );
    if (direction === 'send') {
      await transport.setMaxIncomingBitrate(this.config.maxIncomingBitrate).catch(() => undefined);
    }
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A plain RTP transport on the participant's peer: `send` carries RTP into the room
   * (comedia: it learns the sender's address from the first packet), `recv` sends the
   * participant's consumers to `remote`.
   */
  async createPlainTransport(
    participantId: string,
    direction: 'send' | 'recv',
    remote?: { ip: string; port: number },
    owner: TransportOwner = 'feed',
  ): Promise<RtpTransport> {
    const transport = await this.addTransport(participantId, direction, (router) =>
      router.createPlainTransport({
        listenIp: { ip: this.config.listenIp, announcedIp: this.config.announcedIp },
        rtcpMux: true,
        comedia: direction === 'send',
        appData: { participantId, direction, owner } satisfies TransportAppData,
      }),
    );
    if (remote) await mediaCall(() => transport.connect(remote));
    return transport;
  }

  async connectTransport(participantId: string, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.peer(participantId).webRtcTransport(transportId);
    await mediaCall(() => transport.connect({ dtlsParameters }));
  }

  async restartIce(participantId: string, transportId: string): Promise<IceParameters> {
    const transport = this.peer(participantId).webRtcTransport(transportId);
    return mediaCall(() => transport.restartIce());
  }

  async produce(
    participantId: string,
    request: { transportId: string; kind: 'audio' | 'video'; source: MediaSource; rtpParameters: RtpParameters; paused: boolean },
  ): Promise<MediaProducer> {
    const peer = this.peer(participantId);
    const transport = peer.transport(request.transportId);
    if (transportData(transport).direction !== 'send') {
      throw new AppError(ErrorCode.INVALID_STATE, 'produce needs a send transport');
    }
    for (const existing of peer.producers.values()) {
      if (producerData(existing).source === request.source) {
        throw new AppError(ErrorCode.INVALID_STATE, `a ${request.source} producer already exists; close it first`);
      }
    }
    const offAir = request.kind === 'audio' && !this.onAir(participantId);
    const producer = await mediaCall(() =>
      transport.produce({
        kind: request.kind,
        rtpParameters: request.rtpParameters,
        paused: request.paused || offAir,
        ...(request.kind === 'video' ? { keyFrameRequestDelay: KEY_FRAME_REQUEST_DELAY_MS } : {}),
        appData: { participantId, source: request.source, clientPaused: request.paused } satisfies ProducerAppData,
      }),
    );
    peer.producers.set(producer.id, producer);
    producer.observer.on('close', () => {
      peer.producers.delete(producer.id);
      if (this.activeSpeakerId === participantId && request.kind === 'audio') this.activeSpeakerId = null;
      this.emit('producerClosed', { producerId: producer.id, participantId });
    });
    if (producer.kind === 'audio') {
      await this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
      // The floor may have moved while the producer was being created: a floor change that ran
      // meanwhile did not see it. Off air now means closed, as for everyone else the change reached.
      if (!this.onAir(participantId)) producerData(producer).clientPaused = true;
      await this.sync(producer, true).catch(() => undefined);
    }
    if (!producer.closed) this.emit('producerAdded', producerInfo(producer));
    return producer;
  }

  /**
   * Sets whose microphones are forwarded. Audio of anyone the policy puts off air is paused
   * on the SFU whatever their client does; call `enforceAudioPolicy` after the policy's answer changes.
   */
  setAudioPolicy(policy: AudioPolicy): void {
    this.onAir = policy;
  }

  mayForwardAudio(participantId: string): boolean {
    return this.onAir(participantId);
  }

  /**
   * The participant's client pauses or resumes a producer. Resuming a microphone that
   * the policy keeps off air is refused with NO_FLOOR and changes nothing.
   */
  async setClientPaused(participantId: string, producerId: string, paused: boolean): Promise<ProducerInfo> {
    const producer = this.peer(participantId).producer(producerId);
    const data = producerData(producer);
    const offAir = producer.kind === 'audio' && !this.onAir(participantId);
    if (!paused && offAir) throw new AppError(ErrorCode.NO_FLOOR, 'only the floor holder and the moderator may speak; ask for the floor');
    data.clientPaused = paused;
    await this.sync(producer, false);
    return producerInfo(producer);
  }

  /**
   * Brings every producer in line with the policy. `opened` participants (who just got
   * the floor) have their microphone opened for them: their clients follow.
   * Returns the producers whose paused state changed.
   */
  enforceAudioPolicy(opened: readonly string[] = []): Promise<ProducerInfo[]> {
    // One pass at a time, in order, so a later floor change is never overtaken by an earlier one.
    const run = () => this.enforceNow(opened);
    const result = this.policyTail.then(run, run);
    this.policyTail = result.catch(() => undefined);
    return result;
  }

  private async enforceNow(opened: readonly string[]): Promise<ProducerInfo[]> {
    const changed: ProducerInfo[] = [];
    for (const peer of this.peers.values()) {
      for (const producer of peer.producers.values()) {
        if (producer.kind !== 'audio') continue;
        const data = producerData(producer);
        const onAir = this.onAir(peer.participantId);
        if (opened.includes(peer.participantId) && onAir) data.clientPaused = false;
        // Going off air also closes the microphone from the client's point of view: it must ask again.
        if (!onAir) data.clientPaused = true;
        if (await this.sync(producer, true)) changed.push(producerInfo(producer));
      }
    }
    return changed;
  }

  /** Pauses or resumes the producer as its client and the policy say; tells listeners when it changed. */
  private async sync(producer: types.Producer, byPolicy: boolean): Promise<boolean> {
    const data = producerData(producer);
    const shouldPause = data.clientPaused || (producer.kind === 'audio' && !this.onAir(data.participantId));
    if (producer.closed || producer.paused === shouldPause) return false;
    await mediaCall(() => (shouldPause ? producer.pause() : producer.resume()));
    this.emit('producerUpdated', producerInfo(producer), { byPolicy });
    return true;
  }

  /** Creates a paused consumer; the client resumes it once its side is ready. */
  async consume(participantId: string, producerId: string): Promise<ConsumerInfo> {
    const peer = this.peer(participantId);
    const owner = this.findProducerOwner(producerId);
    if (!owner) throw notFound(`producer ${producerId}`);
    if (owner.participantId === participantId) throw new AppError(ErrorCode.INVALID_STATE, 'cannot consume your own producer');
    if (!peer.rtpCapabilities) throw new AppError(ErrorCode.INVALID_STATE, 'send media.setCapabilities first');
    if (!this.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new AppError(ErrorCode.MEDIA, 'your browser cannot decode this track');
    }
    const transport = [...peer.transports.values()].find((t) => transportData(t).direction === 'recv');
    if (!transport) throw new AppError(ErrorCode.INVALID_STATE, 'create a recv transport first');
    for (const existing of peer.consumers.values()) {
      if (existing.producerId === producerId) throw new AppError(ErrorCode.INVALID_STATE, 'already consuming this producer');
    }
    const producer = owner.producer(producerId);
    const data = producerData(producer);
    const slot = this.slotOfTransport.get(transport.id) ?? this.home;
    if (slot !== this.home) await this.pipe(producerId, slot);
    const consumer = await mediaCall(() =>
      transport.consume({
        producerId,
        rtpCapabilities: peer.rtpCapabilities!,
        paused: true,
        // Start on the lowest simulcast layer: a small first keyframe arrives sooner and costs the
        // receiver little; the client raises the layer for tiles shown large (media.setConsumerLayers).
        ...(producer.kind === 'video' ? { preferredLayers: { spatialLayer: 0 } } : {}),
        appData: { participantId },
      }),
    );
    peer.consumers.set(consumer.id, consumer);
    const count = (delta: number) => {
      const n = slot.receivers.get(transport.id);
      if (n !== undefined) slot.receivers.set(transport.id, n + delta);
    };
    count(1);
    const onGone = () => {
      if (!peer.consumers.delete(consumer.id)) return;
      count(-1);
      this.emit('consumerClosed', { participantId, consumerId: consumer.id, producerId });
    };
    consumer.on('producerclose', onGone);
    consumer.on('transportclose', onGone);
    consumer.observer.on('close', onGone);
    return {
      id: consumer.id,
      producerId,
      participantId: data.participantId,
      kind: consumer.kind,
      source: data.source,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(participantId: string, consumerId: string): Promise<void> {
    const consumer = this.peer(participantId).consumer(consumerId);
    await mediaCall(() => consumer.resume());
  }

  /** The receiver does not show this consumer now: nothing is sent until it resumes it. */
  async pauseConsumer(participantId: string, consumerId: string): Promise<void> {
    const consumer = this.peer(participantId).consumer(consumerId);
    await mediaCall(() => consumer.pause());
  }

  async setConsumerLayers(participantId: string, consumerId: string, spatialLayer: number): Promise<void> {
    const consumer = this.peer(participantId).consumer(consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') return;
    await mediaCall(() => consumer.setPreferredLayers({ spatialLayer }));
  }

  findProducerOwner(producerId: string): MediaPeer | undefined {
    for (const peer of this.peers.values()) if (peer.producers.has(producerId)) return peer;
    return undefined;
  }

  /** Every open producer in the room. */
  producerInfos(): ProducerInfo[] {
    const list: ProducerInfo[] = [];
    for (const peer of this.peers.values()) for (const producer of peer.producers.values()) if (!producer.closed) list.push(producerInfo(producer));
    return list;
  }

  /** A participant's open producers. */
  producersOf(participantId: string): ProducerInfo[] {
    return [...(this.peers.get(participantId)?.producers.values() ?? [])].filter((p) => !p.closed).map(producerInfo);
  }

  /** An open producer, or undefined. */
  findProducer(producerId: string): ProducerInfo | undefined {
    const producer = this.findProducerOwner(producerId)?.producers.get(producerId);
    return producer && !producer.closed ? producerInfo(producer) : undefined;
  }

  /** Closes one of a participant's transports (with its producers and consumers). */
  closeTransport(participantId: string, transportId: string): void {
    this.peers.get(participantId)?.transports.get(transportId)?.close();
  }

  /** The participant closes one of their producers. */
  closeProducer(participantId: string, producerId: string): void {
    this.peer(participantId).producer(producerId).close();
  }

  /** Closes every consumer of a producer, but those of participants `keep` says to keep (the producer stays). */
  closeConsumersOf(producerId: string, keep: (participantId: string) => boolean): void {
    for (const peer of this.peers.values()) {
      if (keep(peer.participantId)) continue;
      for (const consumer of [...peer.consumers.values()]) if (consumer.producerId === producerId) consumer.close();
    }
  }

  /** What the SFU measures of a participant's media: what it receives from them, and (up to `maxConsumers`) what it sends them. */
  async peerStats(participantId: string, maxConsumers = 8): Promise<PeerStats> {
    const peer = this.peers.get(participantId);
    const result: PeerStats = { producers: [], consumers: [] };
    if (!peer) return result;
    type Stat = { type?: string; bitrate?: number; fractionLost?: number; roundTripTime?: number };
    for (const producer of peer.producers.values()) {
      const inbound = ((await producer.getStats().catch(() => [])) as Stat[]).filter((x) => x.type === 'inbound-rtp');
      result.producers.push({
        source: producerData(producer).source,
        kind: producer.kind,
        paused: producer.paused,
        bitrate: inbound.reduce((n, x) => n + (x.bitrate ?? 0), 0),
        fractionLost: Math.max(0, ...inbound.map((x) => x.fractionLost ?? 0)),
      });
    }
    for (const consumer of [...peer.consumers.values()].slice(0, maxConsumers)) {
      for (const x of ((await consumer.getStats().catch(() => [])) as Stat[]).filter((y) => y.type === 'outbound-rtp')) {
        result.consumers.push({ bitrate: x.bitrate ?? 0, fractionLost: x.fractionLost ?? 0, roundTripTime: x.roundTripTime ?? null });
      }
    }
    return result;
  }

  /** A feed's WebRTC transport (WHIP), as the ingest sees it. */
  feedTransport(participantId: string, transportId: string): FeedTransport {
    return this.peer(participantId).webRtcTransport(transportId);
  }

  /** Sends a producer as plain RTP to a local port, for a local encoder; closed with the room. */
  async openRtpOutput(producerId: string, port: number): Promise<RtpOutput> {
    this.assertOpen();
    if (!this.findProducer(producerId)) throw notFound(`producer ${producerId}`);
    return this.keep(await RtpOutput.open(this.router, producerId, port));
  }

  /** Taps an audio producer as 16 kHz PCM (speech recognition); closed with the room. */
  async openAudioTap(producerId: string): Promise<AudioTap> {
    this.assertOpen();
    if (!this.findProducer(producerId)) throw notFound(`producer ${producerId}`);
    return this.keep(await AudioTap.open(this.router, producerId));
  }

  private keep<T extends { close(): void; readonly closed: boolean }>(output: T): T {
    if (this.closed) {
      output.close();
      throw new AppError(ErrorCode.MEDIA, 'the media room was closed');
    }
    this.outputs.add(output);
    return output;
  }

  /** Nobody's media is here: no transport, no output, no tap (the room may be closed to free its router). */
  get isIdle(): boolean {
    for (const output of this.outputs) if (output.closed) this.outputs.delete(output);
    if (this.outputs.size > 0) return false;
    for (const peer of this.peers.values()) if (peer.transports.size > 0) return false;
    return true;
  }

  counts(): { transports: number; producers: number; consumers: number } {
    let transports = 0;
    let producers = 0;
    let consumers = 0;
    for (const peer of this.peers.values()) {
      transports += peer.transports.size;
      producers += peer.producers.size;
      consumers += peer.consumers.size;
    }
    return { transports, producers, consumers };
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    for (const output of this.outputs) output.close();
    this.outputs.clear();
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.router.close();
    for (const slot of this.extra.splice(0)) {
      slot.router.close();
      this.placer?.release(slot.worker);
    }
    this.emit('closed', reason);
  }
}

/** Runs a mediasoup call; mediasoup's own refusals (bad RTP parameters, closed objects) become MEDIA errors. */
async function mediaCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(ErrorCode.MEDIA, (err as Error).message);
  }
}
