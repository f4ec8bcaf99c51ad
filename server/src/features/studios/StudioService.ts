import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  AppError,
  ErrorCode,
  alwaysOnAir,
  invalidState,
  notFound,
  type IngestView,
  type LiveInfo,
  type ProducerInfo,
  type RecordingInfo,
  type StreamView,
} from '@consult/shared';
import type { MediaService } from '@consult/sfu';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { IngestRecord } from '../../domain/studios.js';
import { sameSecret } from '../../http/auth.js';
import { IngestPoint } from './IngestPoint.js';
import { parseWhipOffer } from './whipSdp.js';
import { LiveStream, type Composition } from './LiveStream.js';

export interface StudioServiceEvents {
  /** An ingest point's feed went live or was lost (a change of the encoder, not of the log). */
  status: [{ consultationId: string; studioId: string; status: IngestView['status'] }];
  /** The public stream's encoder started, or failed. */
  encoder: [{ consultationId: string; outcome: 'started' | 'failed' }];
  /** The public stream started, stopped or changed what it shows. */
  stream: [{ consultationId: string; stream: StreamView }];
}

/** What an ingest point is now, apart from the log: where it listens, and its feed. */
export interface IngestLive {
  port: number;
  status: IngestView['status'];
  via: IngestView['via'];
}

/**
 * Studios' I/O: ingest points (RTMP, or WHIP on the HTTP port) listening for a studio's
 * broadcast gear, and the public live stream. Ingest points are in the log (their changes are
 * the studio actions' decisions), so they listen again on the same port after a restart.
 */
export class StudioService extends EventEmitter<StudioServiceEvents> {
  private readonly points = new Map<string, IngestPoint>();
  private readonly streams = new Map<string, LiveStream>();
  private readonly composing = new Map<string, Promise<void>>();

  constructor(
    private readonly consultations: ConsultationService,
    private readonly media: MediaService,
    private readonly config: ServerConfig,
    private readonly log: Logger,
  ) {
    super();
  }

  async load(): Promise<void> {
    for (const state of this.consultations.all()) {
      for (const record of Object.values(state.studios.ingests)) {
        await this.open(state.consultation.id, record, record.port).catch((err: unknown) =>
          this.log.error({ err, ingest: record.ingestId, port: record.port }, 'could not listen again for an ingest point'),
        );
      }
    }
  }

  /**
   * The host a county's encoder reaches the server by: INGEST_PUBLIC_HOST, else PUBLIC_URL's host,
   * else the address the ingest points listen on if it is a particular one. Without any of these
   * the address says `localhost`, and the moderator's page puts its own host in its place.
   */
  private publicHost(): string {
    if (this.config.ingest.publicHost) return this.config.ingest.publicHost;
    if (this.config.publicUrl) return new URL(this.config.publicUrl).hostname;
    return this.config.ingest.host === '0.0.0.0' ? 'localhost' : this.config.ingest.host;
  }

  /** WHIP is on the HTTP port: behind PUBLIC_URL, else relative to the page the moderator opened. */
  private whipBase(): string {
    return this.config.publicUrl ?? '';
  }

  /** An ingest point as the moderator sees it: the log's record with where it listens and its feed now. */
  view(record: IngestRecord, live: IngestLive): IngestView {
    return {
      ingestId: record.ingestId,
      studioId: record.studioId,
      url: `rtmp://${this.publicHost()}:${live.port}/live`,
      key: record.key,
      whipUrl: `${this.whipBase()}/whip/${record.ingestId}`,
      status: live.status,
      via: live.via,
      onAir: record.onAir,
    };
  }

  /** An ingest point's live side, or null if it is not listening. */
  live(ingestId: string): IngestLive | null {
    const point = this.points.get(ingestId);
    return point ? { port: point.port, status: point.status, via: point.via } : null;
  }

  /**
   * WHIP (RFC 9725): a publisher's SDP offer for an ingest point, with the point's stream key
   * as its bearer token. Resolves to the session's path and the SDP answer.
   */
  async whipPublish(ingestId: string, token: string | undefined, sdp: string): Promise<{ location: string; answer: string }> {
    const point = this.whipPoint(ingestId, token);
    const room = await this.media.room(point.consultationId);
    const offer = parseWhipOffer(sdp, room.rtpCapabilities);
    const { sessionId, answer } = await point.publishWhip(offer);
    return { location: `/whip/${encodeURIComponent(ingestId)}/session/${encodeURIComponent(sessionId)}`, answer };
  }

  /** WHIP: the publisher ends its session (HTTP DELETE on the session URL). */
  whipDelete(ingestId: string, sessionId: string, token: string | undefined): void {
    const point = this.whipPoint(ingestId, token);
    if (!point.deleteWhip(sessionId)) throw notFound(`WHIP session ${sessionId}`);
  }

  private whipPoint(ingestId: string, token: string | undefined): IngestPoint {
    const point = this.points.get(ingestId);
    if (!point) throw notFound(`ingest point ${ingestId}`);
    if (!token || !sameSecret(token, point.key)) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'missing or wrong bearer token: use the stream key of this ingest point (Authorization: Bearer <key>)');
    }
    return point;
  }

  /** A studio's ingest point as the moderator sees it, if it has one. */
  ingestOf(consultationId: string, studioId: string): IngestView | null {
    const record = Object.values(this.consultations.get(consultationId)?.studios.ingests ?? {}).find((i) => i.studioId === studioId);
    const live = record && this.live(record.ingestId);
    return record && live ? this.view(record, live) : null;
  }

  /** The producers of a studio's feed now (none while no encoder sends). */
  feedProducers(consultationId: string, studioId: string): ProducerInfo[] {
    const record = Object.values(this.consultations.get(consultationId)?.studios.ingests ?? {}).find((i) => i.studioId === studioId);
    const point = record && this.points.get(record.ingestId);
    const room = this.media.existingRoom(consultationId);
    if (!point || !room) return [];
    return point.producers().flatMap((p) => room.findProducer(p.id) ?? []);
  }

  /** Whether the studio has an ingest point: its feed's transports outlive its browser's. */
  hasIngestPoint(consultationId: string, studioId: string): boolean {
    return Object.values(this.consultations.get(consultationId)?.studios.ingests ?? {}).some((i) => i.studioId === studioId);
  }

  /**
   * Whether a studio's feed carries its sound now: on air with an audio producer. Then the
   * venue's browser microphone is not forwarded (the venue would be heard twice).
   */
  feedReplacesMic(consultationId: string, participantId: string): boolean {
    const record = Object.values(this.consultations.get(consultationId)?.studios.ingests ?? {}).find((i) => i.studioId === participantId);
    if (!record?.onAir) return false;
    return (
      this.points
        .get(record.ingestId)
        ?.producers()
        .some((p) => p.kind === 'audio' && !p.closed) ?? false
    );
  }

  /** For the public /watch page: the title of a consultation whose stream is live. */
  liveInfo(consultationId: string): LiveInfo {
    const state = this.consultations.get(consultationId);
    if (!state || !this.streams.get(consultationId)?.view().live) throw notFound('live stream');
    return { title: state.consultation.title, live: true };
  }

  private async open(consultationId: string, record: Pick<IngestRecord, 'ingestId' | 'studioId' | 'key'>, port: number): Promise<IngestPoint> {
    const point = new IngestPoint(record.ingestId, consultationId, record.studioId, record.key, () => this.media.room(consultationId), this.log);
    await point.listen(port, this.config.ingest.host);
    this.points.set(record.ingestId, point);
    point.on('status', (status) => this.emit('status', { consultationId, studioId: record.studioId, status }));
    point.on('refused', (reason) => this.log.warn({ ingest: record.ingestId, reason }, 'ingest connection refused'));
    return point;
  }

  /** A port from the configured range that this server can listen on (0: any). */
  private async listenOnFreePort(consultationId: string, record: Pick<IngestRecord, 'ingestId' | 'studioId' | 'key'>): Promise<IngestPoint> {
    const { portMin, portMax } = this.config.ingest;
    if (portMin === 0) return this.open(consultationId, record, 0);
    for (let port = portMin; port <= portMax; port++) {
      if ([...this.points.values()].some((p) => p.port === port)) continue;
      try {
        return await this.open(consultationId, record, port);
      } catch {
        /* taken: try the next */
      }
    }
    throw new Error(`no free ingest port between ${portMin} and ${portMax}`);
  }

  /** A new ingest point listens (before the log records it; `closeIngest` undoes this if it is refused). */
  async openIngest(
    consultationId: string,
    studioId: string,
    ingestId: string,
  ): Promise<{ ingestId: string; studioId: string; key: string; port: number; view: IngestView }> {
    const key = randomBytes(12).toString('base64url');
    const point = await this.listenOnFreePort(consultationId, { ingestId, studioId, key });
    const record = { ingestId, studioId, key, port: point.port };
    return { ...record, view: this.view({ ...record, onAir: false }, { port: point.port, status: point.status, via: point.via }) };
  }

  closeIngest(ingestId: string): void {
    this.points.get(ingestId)?.close();
    this.points.delete(ingestId);
  }

  list(consultationId: string): IngestView[] {
    const state = this.consultations.get(consultationId);
    if (!state) return [];
    return Object.values(state.studios.ingests).flatMap((record) => {
      const live = this.live(record.ingestId);
      return live ? [this.view(record, live)] : [];
    });
  }

  /** Whether a producer is a studio feed still in preview (only moderators see it). */
  inPreview(consultationId: string, producer: { participantId: string; source: string }): boolean {
    if (!producer.source.startsWith('ingest')) return false;
    const state = this.consultations.get(consultationId);
    const record = Object.values(state?.studios.ingests ?? {}).find((i) => i.studioId === producer.participantId);
    return !record?.onAir;
  }

  /** The spotlight for the public stream: the floor holder's video (a studio's feed if on air), else the moderator's. */
  composition(consultationId: string): Composition {
    const state = this.consultations.get(consultationId);
    const room = this.media.existingRoom(consultationId);
    if (!state || !room) return { video: null, audio: [] };
    const holder = state.floor.speech?.participantId ?? null;
    // A feed in preview is not public; a studio's microphone is not mixed in while its feed carries its sound.
    const visible = (p: ProducerInfo) => !this.inPreview(consultationId, p) && !(p.source === 'mic' && this.feedReplacesMic(consultationId, p.participantId));
    const producersOf = (id: string) => room.producersOf(id).filter(visible);
    // A studio on air is seen through its venue feed rather than its desk camera.
    const videoOf = (id: string) => {
      const videos = producersOf(id).filter((p) => p.kind === 'video' && !p.paused);
      return videos.find((p) => p.source === 'ingest-video') ?? videos[0];
    };
    const moderators = state.consultation.participants.filter((p) => alwaysOnAir(p.role)).map((p) => p.id);
    let video: Composition['video'] = null;
    for (const id of [...(holder ? [holder] : []), ...moderators]) {
      const found = videoOf(id);
      if (found) {
        video = { producerId: found.producerId, participantId: id };
        break;
      }
    }
    const speakers = [...new Set([...(holder ? [holder] : []), ...moderators])];
    const audio = speakers.flatMap((id) =>
      producersOf(id)
        .filter((p) => p.kind === 'audio')
        .map((p) => ({ producerId: p.producerId })),
    );
    return { video, audio };
  }

  streamView(consultationId: string): StreamView {
    return (
      this.streams.get(consultationId)?.view() ?? {
        live: false,
        encoder: null,
        retries: 0,
        hlsUrl: null,
        watchUrl: null,
        startedAt: null,
        videoOf: null,
        rtmpPush: false,
        recording: null,
      }
    );
  }

  async startStream(consultationId: string, options: { rtmpUrl?: string | undefined; record: boolean }, now: number): Promise<StreamView> {
    if (!this.consultations.get(consultationId)) throw notFound(`consultation ${consultationId}`);
    if (this.streams.has(consultationId)) throw invalidState('the live stream is already running');
    const room = await this.media.room(consultationId);
    const stream = new LiveStream(
      consultationId,
      this.config.dataDir,
      { rtmpUrl: options.rtmpUrl ?? null, record: options.record, retry: () => void this.recompose(consultationId) },
      this.log,
    );
    this.streams.set(consultationId, stream);
    stream.on('changed', (view) => this.emit('stream', { consultationId, stream: view }));
    stream.on('encoder', (outcome) => this.emit('encoder', { consultationId, outcome }));
    try {
      await stream.compose(room, this.composition(consultationId), now);
    } catch (err) {
      this.streams.delete(consultationId);
      await stream.stop();
      throw err;
    }
    return stream.view();
  }

  async stopStream(consultationId: string): Promise<{ stream: StreamView; recordings: RecordingInfo[] }> {
    const stream = this.streams.get(consultationId);
    if (!stream) throw invalidState('the live stream is not running');
    this.streams.delete(consultationId);
    const recordings = await stream.stop();
    return { stream: this.streamView(consultationId), recordings };
  }

  /** The floor moved or a feed changed: the stream follows the spotlight. */
  recompose(consultationId: string): Promise<void> {
    const stream = this.streams.get(consultationId);
    const room = this.media.existingRoom(consultationId);
    if (!stream || !room) return Promise.resolve();
    const previous = this.composing.get(consultationId) ?? Promise.resolve();
    const next = previous
      .then(() => stream.compose(room, this.composition(consultationId), Date.now()))
      .catch((err: unknown) => this.log.error({ err, consultationId }, 'could not recompose the live stream'));
    this.composing.set(consultationId, next);
    return next;
  }

  async close(): Promise<void> {
    for (const point of this.points.values()) point.close();
    this.points.clear();
    await Promise.all([...this.streams.values()].map((s) => s.stop().catch(() => undefined)));
    this.streams.clear();
  }
}
