import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode, alwaysOnAir, invalidState, notFound, type IngestView, type LiveInfo, type Participant, type RecordingInfo, type StreamView } from '@consult/shared';
import type { MediaService } from '@consult/sfu';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import type { ConsultationService } from '../../domain/ConsultationService.js';
import { decideAttendees, decideCreateIngest, decideOnAir, type IngestRecord } from '../../domain/studios.js';
import { sameSecret } from '../../http/auth.js';
import { IngestPoint } from './IngestPoint.js';
import { parseWhipOffer } from './whipSdp.js';
import { LiveStream, type Composition } from './LiveStream.js';

export interface StudioServiceEvents {
  /** An ingest point's feed went live, was lost, or was put on or taken off air. */
  ingest: [{ consultationId: string; ingest: IngestView; producers: types.Producer[]; onAirChanged: boolean }];
  attendees: [{ consultationId: string; participantId: string; names: string[] }];
  stream: [{ consultationId: string; stream: StreamView }];
}

/**
 * Studios: ingest points (RTMP, or WHIP on the HTTP port) and their cue-before-air state,
 * and the attendee lists studio operators type in. Ingest points are in the log, so they
 * listen again on the same port after a restart.
 */
export class StudioService extends EventEmitter<StudioServiceEvents> {
  private readonly points = new Map<string, IngestPoint>();
  private readonly streams = new Map<string, LiveStream>();
  private readonly composing = new Map<string, Promise<void>>();

  constructor(
    private readonly consultations: ConsultationService,
    private readonly media: MediaService,
    private readonly config: ServerConfig,
    private readonly newId: () => string,
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

  private publicHost(): string {
    if (this.config.publicUrl) return new URL(this.config.publicUrl).hostname;
    return this.config.ingest.host === '0.0.0.0' ? 'localhost' : this.config.ingest.host;
  }

  private view(point: IngestPoint, record: IngestRecord): IngestView {
    return {
      ingestId: record.ingestId,
      studioId: record.studioId,
      url: `rtmp://${this.publicHost()}:${point.port}/live`,
      key: record.key,
      whipUrl: `${this.config.publicUrl ?? ''}/whip/${record.ingestId}`,
      status: point.status,
      via: point.via,
      onAir: record.onAir,
    };
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
    const point = record && this.points.get(record.ingestId);
    return record && point ? this.view(point, record) : null;
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
    return this.points.get(record.ingestId)?.producers().some((p) => p.kind === 'audio' && !p.closed) ?? false;
  }

  /** For the public /watch page: the title of a consultation whose stream is live. */
  liveInfo(consultationId: string): LiveInfo {
    const state = this.consultations.get(consultationId);
    if (!state || !this.streams.get(consultationId)?.view().live) throw notFound('live stream');
    return { title: state.consultation.title, live: true };
  }

  private record(consultationId: string, ingestId: string): IngestRecord {
    const record = this.consultations.get(consultationId)?.studios.ingests[ingestId];
    if (!record) throw notFound(`ingest point ${ingestId}`);
    return record;
  }

  private async open(consultationId: string, record: IngestRecord, port: number): Promise<IngestPoint> {
    const point = new IngestPoint(record.ingestId, consultationId, record.studioId, record.key, () => this.media.room(consultationId), this.log);
    await point.listen(port, this.config.ingest.host);
    this.points.set(record.ingestId, point);
    point.on('status', () => {
      const current = this.consultations.get(consultationId)?.studios.ingests[record.ingestId];
      if (current) this.emit('ingest', { consultationId, ingest: this.view(point, current), producers: point.producers(), onAirChanged: false });
    });
    point.on('refused', (reason) => this.log.warn({ ingest: record.ingestId, reason }, 'ingest connection refused'));
    return point;
  }

  /** A port from the configured range that this server can listen on (0: any). */
  private async listenOnFreePort(consultationId: string, record: Omit<IngestRecord, 'port' | 'onAir'>): Promise<IngestPoint> {
    const { portMin, portMax } = this.config.ingest;
    if (portMin === 0) return this.open(consultationId, { ...record, port: 0, onAir: false }, 0);
    for (let port = portMin; port <= portMax; port++) {
      if ([...this.points.values()].some((p) => p.port === port)) continue;
      try {
        return await this.open(consultationId, { ...record, port, onAir: false }, port);
      } catch {
        /* taken: try the next */
      }
    }
    throw new Error(`no free ingest port between ${portMin} and ${portMax}`);
  }

  async createIngest(consultationId: string, studioId: string): Promise<IngestView> {
    const state = this.consultations.get(consultationId);
    if (!state) throw notFound(`consultation ${consultationId}`);
    // Validate before listening: the same decision runs again when the event is committed.
    decideCreateIngest(state.consultation, state.studios, { ingestId: 'check', studioId, key: 'check', port: 0 });
    const ingestId = this.newId();
    const key = randomBytes(12).toString('base64url');
    const point = await this.listenOnFreePort(consultationId, { ingestId, studioId, key });
    try {
      const { state: next } = await this.consultations.commit(consultationId, (s) => decideCreateIngest(s.consultation, s.studios, { ingestId, studioId, key, port: point.port }));
      return this.view(point, next.studios.ingests[ingestId]!);
    } catch (err) {
      point.close();
      this.points.delete(ingestId);
      throw err;
    }
  }

  list(consultationId: string): IngestView[] {
    const state = this.consultations.get(consultationId);
    if (!state) return [];
    return Object.values(state.studios.ingests).flatMap((record) => {
      const point = this.points.get(record.ingestId);
      return point ? [this.view(point, record)] : [];
    });
  }

  async setOnAir(consultationId: string, actor: Participant, ingestId: string, onAir: boolean): Promise<IngestView> {
    this.record(consultationId, ingestId);
    const { state, events } = await this.consultations.commit(consultationId, (s) => decideOnAir(s.studios, ingestId, onAir, actor.id));
    const point = this.points.get(ingestId)!;
    const view = this.view(point, state.studios.ingests[ingestId]!);
    if (events.length > 0) this.emit('ingest', { consultationId, ingest: view, producers: point.producers(), onAirChanged: true });
    return view;
  }

  /** Whether a producer is a studio feed still in preview (only moderators see it). */
  inPreview(consultationId: string, appData: { participantId?: string; source?: string }): boolean {
    if (!appData.source?.startsWith('ingest')) return false;
    const state = this.consultations.get(consultationId);
    const record = Object.values(state?.studios.ingests ?? {}).find((i) => i.studioId === appData.participantId);
    return !record?.onAir;
  }

  async setAttendees(consultationId: string, studio: Participant, names: string[]): Promise<string[]> {
    const { state } = await this.consultations.commit(consultationId, () => decideAttendees(studio.id, names));
    const list = state.studios.attendees[studio.id] ?? [];
    this.emit('attendees', { consultationId, participantId: studio.id, names: list });
    return list;
  }

  /** The spotlight for the public stream: the floor holder's video (a studio's feed if on air), else the moderator's. */
  composition(consultationId: string): Composition {
    const state = this.consultations.get(consultationId);
    const room = this.media.existingRoom(consultationId);
    if (!state || !room) return { video: null, audio: [] };
    const holder = state.floor.speech?.participantId ?? null;
    const role = (id: string) => state.consultation.participants.find((p) => p.id === id)?.role;
    const producersOf = (id: string) => [...(room.peers.get(id)?.producers.values() ?? [])].filter((p) => !p.closed);
    const sourceOf = (p: { appData: unknown }) => (p.appData as { source?: string }).source;
    // A feed in preview is not public; a studio's microphone is not mixed in while its feed carries its sound.
    const visible = (id: string, p: { appData: unknown }) =>
      !this.inPreview(consultationId, { participantId: id, source: sourceOf(p) }) && !(sourceOf(p) === 'mic' && this.feedReplacesMic(consultationId, id));
    // A studio on air is seen through its venue feed rather than its desk camera.
    const videoOf = (id: string) => {
      const videos = producersOf(id).filter((p) => p.kind === 'video' && !p.paused && visible(id, p));
      return videos.find((p) => sourceOf(p) === 'ingest-video') ?? videos[0];
    };
    const moderators = state.consultation.participants.filter((p) => alwaysOnAir(p.role)).map((p) => p.id);
    let video: Composition['video'] = null;
    for (const id of [...(holder ? [holder] : []), ...moderators]) {
      const found = videoOf(id);
      if (found) {
        video = { producerId: found.id, participantId: id };
        break;
      }
    }
    const speakers = [...new Set([...(holder ? [holder] : []), ...moderators])].filter((id) => role(id));
    const audio = speakers.flatMap((id) => producersOf(id).filter((p) => p.kind === 'audio' && visible(id, p)).map((p) => ({ producerId: p.id })));
    return { video, audio };
  }

  streamView(consultationId: string): StreamView {
    return (
      this.streams.get(consultationId)?.view() ?? { live: false, hlsUrl: null, watchUrl: null, startedAt: null, videoOf: null, rtmpPush: false, recording: null }
    );
  }

  async startStream(consultationId: string, options: { rtmpUrl?: string | undefined; record: boolean }, now: number): Promise<StreamView> {
    if (this.streams.has(consultationId)) throw invalidState('the live stream is already running');
    const room = await this.media.room(consultationId);
    const stream = new LiveStream(consultationId, this.config.dataDir, { rtmpUrl: options.rtmpUrl ?? null, record: options.record }, this.log);
    this.streams.set(consultationId, stream);
    stream.on('changed', (view) => this.emit('stream', { consultationId, stream: view }));
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
