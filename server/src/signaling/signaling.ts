import type { Server, Socket } from 'socket.io';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import {
  AppError,
  ErrorCode,
  REQUESTS,
  alwaysOnAir,
  can,
  invalidState,
  notFound,
  type MinutesVersionInfo,
  type IngestView,
  type ClientToServerEvents,
  type ErrorBody,
  type FloorDeparture,
  type JoinReply,
  type Participant,
  type ParsedRequest,
  type PresenceChange,
  PRESENCE_BATCH_MS,
  type ProducerInfo,
  type ReplyData,
  type RequestName,
  type ServerToClientEvents,
} from '@consult/shared';
import type { MediaRoom, MediaService } from '@consult/sfu';
import type { ConsultationService } from '../domain/ConsultationService.js';
import {
  decideAdvance,
  decideEnd,
  decideExtend,
  decideGrant,
  decidePause,
  decideQueueOpen,
  decideReject,
  decideReorder,
  decideRequest,
  decideResume,
  decideSetLimits,
  decideWithdraw,
  floorHolder,
  floorView,
  type FloorContext,
  type FloorEvent,
} from '../domain/floor.js';
import type { FloorService } from '../features/floor/FloorService.js';
import type { VotingService } from '../features/voting/VotingService.js';
import type { TranscriptService } from '../features/transcript/TranscriptService.js';
import type { StudioService } from '../features/studios/StudioService.js';
import { siteOverview } from '../features/studios/overview.js';
import { buildMinutes } from '../features/transcript/minutes.js';
import { decideAddEntry, decideApprove, decideEdit, decideReturn, decideSubmit, type TranscriptEvent } from '../domain/transcript.js';
import { canonicalJson, sha256 } from '../domain/chain.js';
import type { ConsultationState, LeaveReason } from '../domain/consultation.js';
import type { StoredEvent } from '../store/EventStore.js';
import type { JoinClaims } from '../domain/tokens.js';
import { Presence, toPresent } from './Presence.js';
import { TurnPacer } from './TurnPacer.js';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Per participant, what their departure withdrew (queue entries) or ended (a speech). */
function departures(events: readonly StoredEvent[], state: ConsultationState): FloorDeparture[] {
  const byParticipant = new Map<string, FloorDeparture>();
  const of = (participantId: string) => {
    let d = byParticipant.get(participantId);
    if (!d) byParticipant.set(participantId, (d = { participantId, entryIds: [], speechId: null }));
    return d;
  };
  for (const event of events) {
    const e = event as StoredEvent & FloorEvent;
    if (e.type === 'floor.withdrawn' && e.data.reason === 'left') of(e.data.by).entryIds.push(e.data.entryId);
    if (e.type === 'floor.ended' && e.data.outcome === 'left') {
      const { speechId } = e.data;
      const speech = state.floor.speeches.find((s) => s.id === speechId);
      if (speech) of(speech.participantId).speechId = speechId;
    }
  }
  return [...byParticipant.values()];
}
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** What a socket is, once joined. */
interface SocketContext {
  consultationId: string;
  participant: Participant;
}

type Handler<N extends RequestName> = (socket: IoSocket, ctx: SocketContext | undefined, payload: ParsedRequest<N>) => Promise<ReplyData[N]>;

export interface SignalingDeps {
  consultations: ConsultationService;
  floor: FloorService;
  voting: VotingService;
  transcripts: TranscriptService;
  studios: StudioService;
  newId: () => string;
  media: MediaService;
  verifyToken: (token: string) => JoinClaims;
  reconnectGraceMs: number;
  clock: () => number;
  log: Logger;
}

/** Requests one socket may make per second before it is told to slow down. */
const RATE_LIMIT_PER_SECOND = 60;

/**
 * The socket.io side: every request goes parse → find the participant → check the
 * permission from the table → run → answer the ack → broadcast.
 */
export class Signaling {
  readonly presence = new Presence();
  private readonly contexts = new Map<string, SocketContext>();
  /** Join replies are large: a burst of them is sent one per turn of the event loop. */
  private readonly joinPacer = new TurnPacer();
  private readonly presenceBatches = new Map<string, PresenceChange[]>();
  /** Studios whose browser microphone is withheld because their on-air feed carries their sound (consultation id, then studio id). */
  private readonly micReplaced = new Set<string>();

  constructor(private readonly io: IoServer, private readonly deps: SignalingDeps) {
    deps.media.on('roomCreated', (room) => this.wire(room));
    deps.media.on('roomLost', (consultationId) => {
      // Everyone's transports went with the worker; clients rebuild on a fresh room.
      io.to(consultationId).emit('media.reset', { reason: 'media server restarted' });
    });
    deps.floor.on('changed', ({ consultationId, state, events }) => this.onFloorChanged(consultationId, state, events));
    deps.transcripts.on('partial', ({ consultationId, caption }) => io.to(consultationId).emit('transcript.partial', caption));
    deps.transcripts.on('segment', ({ consultationId, segment }) => io.to(consultationId).emit('transcript.segment', { segment }));
    deps.transcripts.on('gap', ({ consultationId, gap }) => io.to(consultationId).emit('transcript.gap', { gap }));
    deps.transcripts.on('minutes', ({ consultationId, minutes }) => io.to(consultationId).emit('minutes.changed', { minutes }));
    deps.studios.on('ingest', ({ consultationId, ingest, producers, onAirChanged }) => this.onIngest(consultationId, ingest, producers, onAirChanged));
    deps.studios.on('attendees', ({ consultationId, participantId, names }) => io.to(consultationId).emit('studio.attendees', { participantId, names }));
    deps.studios.on('stream', ({ consultationId, stream }) => io.to(consultationId).emit('stream.changed', { stream }));
    deps.voting.on('changed', ({ consultationId, motion }) => io.to(consultationId).emit('motion.changed', { motion }));
    deps.voting.on('turnout', ({ consultationId, turnout, named }) => {
      io.to(consultationId).emit('motion.turnout', { turnout });
      if (named.length === 0) return;
      // Who voted how, live, for the moderators only.
      const moderators = this.moderatorSockets(consultationId);
      for (const choices of named) if (moderators.length > 0) io.to(moderators).emit('motion.namedChoices', choices);
    });
    io.on('connection', (socket) => this.onConnection(socket));
  }

  /** Sockets of the moderators present in a consultation. */
  private moderatorSockets(consultationId: string): string[] {
    return this.presence
      .list(consultationId)
      .filter((p) => can(p.role, 'consultation.moderate'))
      .map((p) => this.presence.socketOf(consultationId, p.id))
      .filter((id): id is string => id !== undefined);
  }

  /**
   * Cue before air: a studio feed is announced to the moderators as a preview; on air, to
   * everyone; taken off air, everyone else's consumers of it close.
   */
  private onIngest(consultationId: string, ingest: IngestView, producers: types.Producer[], onAirChanged: boolean): void {
    const moderators = this.moderatorSockets(consultationId);
    if (moderators.length > 0) this.io.to(moderators).emit('ingest.changed', { ingest });
    const infos = producers.filter((p) => !p.closed).map((p) => this.producerInfo(p, ingest.studioId, (p.appData as { source: ProducerInfo['source'] }).source));
    const others = this.io.to(consultationId).except(moderators);
    if (!onAirChanged) {
      if (moderators.length > 0) for (const info of infos) this.io.to(moderators).emit('media.producerAdded', info);
      if (ingest.onAir) for (const info of infos) others.emit('media.producerAdded', info);
    } else if (ingest.onAir) {
      for (const info of infos) others.emit('media.producerAdded', info);
    } else {
      const room = this.deps.media.existingRoom(consultationId);
      const ids = new Set(infos.map((i) => i.producerId));
      for (const peer of room?.peers.values() ?? []) {
        const role = this.deps.consultations.get(consultationId)?.consultation.participants.find((p) => p.id === peer.participantId)?.role;
        if (role && can(role, 'consultation.moderate')) continue;
        for (const consumer of [...peer.consumers.values()]) if (ids.has(consumer.producerId)) consumer.close();
      }
      for (const info of infos) others.emit('media.producerClosed', { producerId: info.producerId, participantId: info.participantId });
    }
    this.syncMicReplacement(consultationId, ingest.studioId);
    void this.deps.studios.recompose(consultationId);
    void this.deps.transcripts.sync(consultationId);
  }

  /**
   * A venue is heard once: while its feed is on air with sound, the studio's browser microphone
   * is withdrawn from everyone else (their consumers closed, the producer announced as gone);
   * when the feed goes off air or loses its signal, the microphone is announced again. The
   * producer itself stays under the floor policy all along: this only decides who receives it.
   */
  private syncMicReplacement(consultationId: string, studioId: string): void {
    const key = `${consultationId}\n${studioId}`;
    const replaced = this.deps.studios.feedReplacesMic(consultationId, studioId);
    if (replaced === this.micReplaced.has(key)) return;
    if (replaced) this.micReplaced.add(key);
    else this.micReplaced.delete(key);
    const room = this.deps.media.existingRoom(consultationId);
    const mic = [...(room?.peers.get(studioId)?.producers.values() ?? [])].find((p) => (p.appData as { source?: string }).source === 'mic' && !p.closed);
    if (!room || !mic) return;
    const studioSocket = this.presence.socketOf(consultationId, studioId);
    const others = studioSocket ? this.io.to(consultationId).except(studioSocket) : this.io.to(consultationId);
    if (replaced) {
      for (const peer of room.peers.values()) {
        if (peer.participantId === studioId) continue;
        for (const consumer of [...peer.consumers.values()]) if (consumer.producerId === mic.id) consumer.close();
      }
      others.emit('media.producerClosed', { producerId: mic.id, participantId: studioId });
    } else {
      others.emit('media.producerAdded', this.producerInfo(mic, studioId, 'mic'));
    }
  }

  /**
   * Whether a producer is kept from a participant: a studio feed still in preview (from all
   * but moderators), or a studio's microphone while its feed carries its sound (from all but the studio).
   */
  private hiddenFrom(consultationId: string, viewer: Pick<Participant, 'id' | 'role'>, data: { participantId?: string; source?: string }): boolean {
    if (data.source?.startsWith('ingest')) return !can(viewer.role, 'consultation.moderate') && this.deps.studios.inPreview(consultationId, data);
    if (data.participantId && data.participantId !== viewer.id) return this.micWithheld(consultationId, data.participantId, data.source);
    return false;
  }

  /** A studio's microphone while its on-air feed carries its sound: nobody else receives it. */
  private micWithheld(consultationId: string, participantId: string, source: string | undefined): boolean {
    return source === 'mic' && this.deps.studios.feedReplacesMic(consultationId, participantId);
  }

  /** A producer's new paused state, to those who may see it (see `hiddenFrom`). */
  private emitProducerUpdated(consultationId: string, producer: types.Producer): void {
    const data = producer.appData as { participantId: string; source: ProducerInfo['source'] };
    const info = this.producerInfo(producer, data.participantId, data.source);
    if (data.source.startsWith('ingest') && this.deps.studios.inPreview(consultationId, data)) {
      const moderators = this.moderatorSockets(consultationId);
      if (moderators.length > 0) this.io.to(moderators).emit('media.producerUpdated', info);
    } else if (this.micWithheld(consultationId, data.participantId, data.source)) {
      const own = this.presence.socketOf(consultationId, data.participantId);
      if (own) this.io.to(own).emit('media.producerUpdated', info);
    } else {
      this.io.to(consultationId).emit('media.producerUpdated', info);
    }
  }

  /**
   * Ends a participant's browser media (their WebRTC transports, and with them their producers
   * and consumers). A studio's ingest feed is not the browser's: its transports stay.
   */
  private dropBrowserMedia(consultationId: string, participantId: string): void {
    const room = this.deps.media.existingRoom(consultationId);
    if (!room) return;
    // A studio's feed may be setting up its transports right now: only the browser's are closed.
    if (this.deps.studios.hasIngestPoint(consultationId, participantId)) room.closeTransports(participantId, 'browser');
    else room.removePeer(participantId);
  }

  /**
   * After floor events are stored: the microphones follow the floor on the SFU first,
   * then everyone gets the new view, then the member whose request was turned down is told.
   */
  private onFloorChanged(consultationId: string, state: ConsultationState, events: readonly StoredEvent[]): void {
    const room = this.deps.media.existingRoom(consultationId);
    const granted = events.filter((e) => e.type === 'floor.granted').map((e) => (e.data as { participantId: string }).participantId);
    if (room && !room.isClosed) {
      room
        .enforceAudioPolicy(granted)
        .then((changed) => {
          for (const producer of changed) this.emitProducerUpdated(consultationId, producer);
        })
        .catch((err: unknown) => this.deps.log.error({ err, consultationId }, 'could not apply the floor to the microphones'));
    }
    this.io.to(consultationId).emit('floor.changed', { floor: floorView(state.floor), serverTime: this.deps.clock() });
    // The transcript tap and the public stream follow the floor.
    void this.deps.transcripts.sync(consultationId);
    void this.deps.studios.recompose(consultationId);
    for (const event of events) {
      if (event.type !== 'floor.rejected') continue;
      const { entryId, participantId, reason } = event.data as Extract<FloorEvent, { type: 'floor.rejected' }>['data'];
      const socketId = this.presence.socketOf(consultationId, participantId);
      if (socketId) this.io.to(socketId).emit('floor.rejected', { entryId, reason });
    }
    // The moderators are told when someone's requests were withdrawn, or their speech ended, because they left.
    const departed = departures(events, state);
    const moderators = departed.length > 0 ? this.moderatorSockets(consultationId) : [];
    if (moderators.length > 0) for (const d of departed) this.io.to(moderators).emit('floor.departed', d);
  }

  private onConnection(socket: IoSocket): void {
    let windowStart = 0;
    let inWindow = 0;
    for (const name of Object.keys(REQUESTS) as RequestName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        const now = Date.now();
        if (now - windowStart >= 1000) {
          windowStart = now;
          inWindow = 0;
        }
        inWindow++;
        const reply = (body: { ok: true; data: unknown } | { ok: false; error: ErrorBody }) => {
          if (typeof ack === 'function') ack(body);
          else if (!body.ok) socket.emit('request.rejected', { event: name, error: body.error });
        };
        if (inWindow > RATE_LIMIT_PER_SECOND) {
          reply({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: 'too many requests; slow down' } });
          return;
        }
        if (typeof ack !== 'function') {
          reply({ ok: false, error: { code: ErrorCode.VALIDATION, message: `${name} needs an acknowledgement callback` } });
          return;
        }
        this.dispatch(socket, name, payload).then(
          (data) => reply({ ok: true, data }),
          (err: unknown) => reply({ ok: false, error: this.toErrorBody(err, name) }),
        );
      });
    }
    socket.onAny((event: string) => {
      if (!(event in REQUESTS)) {
        socket.emit('request.rejected', { event: String(event).slice(0, 64), error: { code: ErrorCode.NOT_FOUND, message: 'unknown event' } });
      }
    });
    socket.on('disconnect', () => this.onDisconnect(socket));
  }

  private toErrorBody(err: unknown, event: string): ErrorBody {
    if (err instanceof AppError) return err.toBody();
    this.deps.log.error({ err, event }, 'request failed');
    return { code: ErrorCode.INTERNAL, message: 'the server could not complete this request' };
  }

  private async dispatch<N extends RequestName>(socket: IoSocket, name: N, payload: unknown): Promise<ReplyData[N]> {
    const definition = REQUESTS[name];
    const parsed = definition.schema.safeParse(payload);
    if (!parsed.success) {
      throw new AppError(
        ErrorCode.VALIDATION,
        `invalid ${name} payload`,
        parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
      );
    }
    const ctx = this.contexts.get(socket.id);
    if (name !== 'session.join') {
      if (!ctx) throw invalidState('join the consultation first (session.join)');
      if (definition.action && !can(ctx.participant.role, definition.action)) {
        throw new AppError(ErrorCode.FORBIDDEN, `a ${ctx.participant.role} may not ${name}`);
      }
    }
    const handler = this.handlers[name] as Handler<N>;
    // What the answer shows of the consultation is durable before it is sent: a query reads the
    // state as it is now, which may hold events still on their way to the disk. (A change waits
    // for its own write, which covers everything before it; the join waits for its snapshot.)
    const seen = ctx ? this.deps.consultations.get(ctx.consultationId)?.seq : undefined;
    const data = await handler(socket, ctx, parsed.data as ParsedRequest<N>);
    if (ctx && seen !== undefined) await this.deps.consultations.settled(ctx.consultationId, seen);
    return data;
  }

  /** The media room of a consultation (wired to the sockets when it was created). */
  private room(consultationId: string): Promise<MediaRoom> {
    return this.deps.media.room(consultationId);
  }

  /**
   * Forwards a media room's events to the sockets and gives it the floor's audio policy. Called as
   * the room is created (MediaService 'roomCreated'), so a studio feed that starts before anyone
   * joins is held to the floor like everyone else.
   */
  private wire(room: MediaRoom): void {
    const consultationId = room.consultationId;
    room.on('producerClosed', (p) => this.io.to(consultationId).emit('media.producerClosed', p));
    room.on('consumerClosed', ({ participantId, consumerId, producerId }) => {
      const socketId = this.presence.socketOf(consultationId, participantId);
      if (socketId) this.io.to(socketId).emit('media.consumerClosed', { consumerId, producerId });
    });
    room.on('activeSpeaker', (participantId) => this.io.to(consultationId).emit('media.activeSpeaker', { participantId }));
    // The queue owns the microphone: only the floor holder and the moderators are forwarded.
    room.setAudioPolicy((participantId) => {
      const state = this.deps.consultations.get(consultationId);
      if (!state) return false;
      if (floorHolder(state.floor) === participantId) return true;
      const role = state.consultation.participants.find((p) => p.id === participantId)?.role;
      return role !== undefined && alwaysOnAir(role);
    });
  }

  private producerInfo(producer: types.Producer, participantId: string, source: ProducerInfo['source']): ProducerInfo {
    return { producerId: producer.id, participantId, kind: producer.kind, source, paused: producer.paused };
  }

  private readonly handlers: { [N in RequestName]: Handler<N> } = {
    'session.join': async (socket, ctx, { token }) => {
      if (ctx) throw invalidState('this connection has already joined');
      const claims = this.deps.verifyToken(token);
      const state = this.deps.consultations.get(claims.consultationId);
      const participant = state?.consultation.participants.find((p) => p.id === claims.participantId);
      if (!state || !participant || participant.role !== claims.role) {
        throw new AppError(ErrorCode.TOKEN_INVALID, 'join link does not match a participant of this consultation');
      }
      const consultationId = state.consultation.id;
      const room = await this.room(consultationId);
      const { previous } = this.presence.connect(consultationId, participant, socket.id, this.deps.clock());
      if (previous?.socketId && previous.socketId !== socket.id) {
        // The same link opened elsewhere: the newer connection wins.
        const old = this.io.sockets.sockets.get(previous.socketId);
        this.contexts.delete(previous.socketId);
        old?.emit('session.replaced');
        old?.disconnect(true);
      }
      this.dropBrowserMedia(consultationId, participant.id);
      const newContext: SocketContext = { consultationId, participant };
      this.contexts.set(socket.id, newContext);
      // The log says whether they are in the room: a reconnect within the grace is not a new arrival;
      // a return after the grace ran out, or after a restart, is.
      await this.deps.consultations.commit(consultationId, (s) =>
        s.attendance[participant.id]?.inRoom ? [] : [{ type: 'attendance.joined', data: { participantId: participant.id } }],
      );
      // One join reply per turn of the loop (a burst's writes finish together), and the room's
      // broadcasts reach this socket only from here on: the reply below is built in this same turn,
      // so it holds everything said before and nothing arrives twice.
      await this.joinPacer.turn();
      if (this.contexts.get(socket.id) !== newContext || !socket.connected) {
        throw invalidState('the connection closed while joining');
      }
      await socket.join(consultationId);
      const entry = this.presence.get(consultationId, participant.id);
      if (entry && entry.socketId === socket.id) {
        this.announce(consultationId, { kind: 'upsert', participant: toPresent(entry) });
      }
      const reply: JoinReply = {
        consultation: {
          id: consultationId,
          title: state.consultation.title,
          language: state.consultation.language,
          agenda: state.consultation.agenda,
          sites: state.consultation.sites,
        },
        self: participant,
        roster: state.consultation.participants,
        participants: this.presence.list(consultationId),
        producers: room
          .producers()
          .filter(({ participantId, source }) => !this.hiddenFrom(consultationId, participant, { participantId, source }))
          .map(({ producer, participantId, source }) => this.producerInfo(producer, participantId, source)),
        activeSpeakerId: room.currentSpeaker,
        serverTime: this.deps.clock(),
        routerRtpCapabilities: room.rtpCapabilities,
        mayPublish: { audio: can(participant.role, 'media.produce.audio'), video: can(participant.role, 'media.produce.video') },
        floor: floorView(this.deps.consultations.get(consultationId)!.floor),
        motions: this.deps.voting.list(consultationId),
        transcript: { engine: this.deps.transcripts.engine(consultationId), minutes: this.deps.consultations.get(consultationId)!.transcript.minutes },
        studioAttendees: this.deps.consultations.get(consultationId)!.studios.attendees,
        myBallots: this.deps.voting.mine(consultationId, participant.id),
      };
      await this.deps.consultations.settled(consultationId, this.deps.consultations.get(consultationId)!.seq);
      return reply;
    },

    'session.leave': async (socket, ctx) => {
      await this.leave(socket.id, ctx!, 'left');
      return {};
    },

    'time.sync': async (_socket, _ctx, { clientTime }) => ({ clientTime, serverTime: this.deps.clock() }),

    'media.setCapabilities': async (_socket, ctx, { rtpCapabilities }) => {
      const room = await this.room(ctx!.consultationId);
      return { consumable: room.setCapabilities(ctx!.participant.id, rtpCapabilities as unknown as types.RtpCapabilities) };
    },

    'media.createTransport': async (socket, ctx, { direction }) => {
      const { participant, consultationId } = ctx!;
      if (direction === 'send' && !can(participant.role, 'media.produce.audio') && !can(participant.role, 'media.produce.video')) {
        throw new AppError(ErrorCode.FORBIDDEN, `a ${participant.role} does not publish media`);
      }
      const room = await this.room(consultationId);
      const transport = await room.createTransport(participant.id, direction);
      // Left while it was being made: a studio's media peer outlives its browser (for the feed), so
      // the transport would otherwise stay open for nobody.
      if (this.contexts.get(socket.id) !== ctx) {
        room.peers.get(participant.id)?.transports.get(transport.id)?.close();
        throw invalidState('the connection left while the transport was being created');
      }
      return transport;
    },

    'media.connectTransport': async (_socket, ctx, { transportId, dtlsParameters }) => {
      const room = await this.room(ctx!.consultationId);
      await room.connectTransport(ctx!.participant.id, transportId, dtlsParameters as types.DtlsParameters);
      return {};
    },

    'media.restartIce': async (_socket, ctx, { transportId }) => {
      const room = await this.room(ctx!.consultationId);
      return { iceParameters: await room.restartIce(ctx!.participant.id, transportId) };
    },

    'media.produce': async (socket, ctx, request) => {
      const { participant, consultationId } = ctx!;
      const action = request.kind === 'audio' ? 'media.produce.audio' : 'media.produce.video';
      if (!can(participant.role, action)) throw new AppError(ErrorCode.FORBIDDEN, `a ${participant.role} may not publish ${request.kind}`);
      if ((request.kind === 'audio') !== (request.source === 'mic')) {
        throw new AppError(ErrorCode.VALIDATION, `source ${request.source} does not carry ${request.kind}`);
      }
      const room = await this.room(consultationId);
      const producer = await room.produce(participant.id, {
        transportId: request.transportId,
        kind: request.kind,
        source: request.source,
        rtpParameters: request.rtpParameters as unknown as types.RtpParameters,
        paused: request.paused,
      });
      if (!this.micWithheld(consultationId, participant.id, request.source)) {
        socket.to(consultationId).emit('media.producerAdded', this.producerInfo(producer, participant.id, request.source));
      }
      // The floor holder's microphone came (back): the transcript taps it.
      if (request.source === 'mic' && this.deps.consultations.get(consultationId)?.floor.speech?.participantId === participant.id) {
        void this.deps.transcripts.sync(consultationId);
      }
      return { producerId: producer.id };
    },

    'media.pauseProducer': async (socket, ctx, { producerId }) => this.setProducerPaused(socket, ctx!, producerId, true),
    'media.resumeProducer': async (socket, ctx, { producerId }) => this.setProducerPaused(socket, ctx!, producerId, false),

    'media.closeProducer': async (_socket, ctx, { producerId }) => {
      const room = await this.room(ctx!.consultationId);
      room.peer(ctx!.participant.id).producer(producerId).close();
      return {};
    },

    'media.consume': async (_socket, ctx, { producerId }) => {
      const room = await this.room(ctx!.consultationId);
      const owner = room.findProducerOwner(producerId);
      const data = owner?.producers.get(producerId)?.appData as { participantId?: string; source?: string } | undefined;
      if (data && this.hiddenFrom(ctx!.consultationId, ctx!.participant, data)) {
        throw new AppError(ErrorCode.FORBIDDEN, data.source === 'mic' ? 'this studio is heard through its broadcast feed while it is on air' : 'this studio feed is not on air yet');
      }
      return room.consume(ctx!.participant.id, producerId);
    },

    'media.resumeConsumer': async (_socket, ctx, { consumerId }) => {
      const room = await this.room(ctx!.consultationId);
      await room.resumeConsumer(ctx!.participant.id, consumerId);
      return {};
    },

    'media.pauseConsumer': async (_socket, ctx, { consumerId }) => {
      const room = await this.room(ctx!.consultationId);
      await room.pauseConsumer(ctx!.participant.id, consumerId);
      return {};
    },

    'media.setConsumerLayers': async (_socket, ctx, { consumerId, spatialLayer }) => {
      const room = await this.room(ctx!.consultationId);
      await room.setConsumerLayers(ctx!.participant.id, consumerId, spatialLayer);
      return {};
    },

    'floor.state': async (_socket, ctx) => this.deps.floor.view(ctx!.consultationId),

    'floor.request': async (_socket, ctx, input) => {
      const { result, version } = await this.deps.floor.act(ctx!.consultationId, ctx!.participant, (f) => {
        const decision = decideRequest(f, input);
        return { events: decision.events, result: decision };
      });
      return { entryId: result.entryId, created: result.created, version };
    },
    'floor.withdraw': async (_socket, ctx, { entryId }) => this.floorAct(ctx!, (f) => decideWithdraw(f, entryId)),
    'floor.reject': async (_socket, ctx, { entryId, reason }) => this.floorAct(ctx!, (f) => decideReject(f, entryId, reason)),
    'floor.reorder': async (_socket, ctx, { entryId, toIndex }) => this.floorAct(ctx!, (f) => decideReorder(f, entryId, toIndex)),
    'floor.grant': async (_socket, ctx, input) => {
      const { result, version } = await this.deps.floor.act(ctx!.consultationId, ctx!.participant, (f) => {
        const decision = decideGrant(f, input);
        return { events: decision.events, result: decision.speechId };
      });
      return { speechId: result, version };
    },
    'floor.end': async (_socket, ctx, { speechId }) => this.floorAct(ctx!, (f) => decideEnd(f, speechId)),
    'floor.pause': async (_socket, ctx, { speechId }) => this.floorAct(ctx!, (f) => decidePause(f, speechId)),
    'floor.resume': async (_socket, ctx, { speechId }) => this.floorAct(ctx!, (f) => decideResume(f, speechId)),
    'floor.extend': async (_socket, ctx, { speechId, addMs }) => this.floorAct(ctx!, (f) => decideExtend(f, speechId, addMs)),
    'floor.setLimits': async (_socket, ctx, { agendaItemId, ...limits }) => this.floorAct(ctx!, (f) => decideSetLimits(f, agendaItemId, limits)),
    'floor.setQueueOpen': async (_socket, ctx, { open }) => this.floorAct(ctx!, (f) => decideQueueOpen(f, open)),
    'floor.report': async (_socket, ctx) => this.deps.floor.report(ctx!.consultationId, this.deps.clock()),
    'motion.list': async (_socket, ctx) => ({
      motions: this.deps.voting.list(ctx!.consultationId),
      mine: this.deps.voting.mine(ctx!.consultationId, ctx!.participant.id),
    }),
    'motion.create': async (_socket, ctx, input) => ({ motion: await this.deps.voting.create(ctx!.consultationId, ctx!.participant, input) }),
    'motion.open': async (_socket, ctx, { motionId }) => {
      const { consultationId } = ctx!;
      const presentMembers = () => this.presence.list(consultationId).filter((p) => p.role === 'member').map((p) => p.id);
      return { motion: await this.deps.voting.open(consultationId, ctx!.participant, motionId, presentMembers) };
    },
    'motion.close': async (_socket, ctx, { motionId }) => ({ motion: await this.deps.voting.close(ctx!.consultationId, ctx!.participant.id, motionId, 'moderator') }),
    'motion.named': async (_socket, ctx, { motionId }) => this.deps.voting.named(ctx!.consultationId, motionId),
    'motion.published': async (_socket, ctx, { motionId }) => ({ motionId, ballots: await this.deps.voting.published(ctx!.consultationId, motionId) }),
    'motion.vote': async (_socket, ctx, input) => this.deps.voting.vote(ctx!.consultationId, ctx!.participant, input),

    'transcript.state': async (_socket, ctx) => {
      const { consultationId } = ctx!;
      const t = this.deps.consultations.get(consultationId)!.transcript;
      return {
        engine: this.deps.transcripts.engine(consultationId),
        segments: t.segments,
        gaps: t.gaps,
        minutes: t.minutes,
        activeSpeechId: this.deps.transcripts.activeSpeech(consultationId),
      };
    },
    'transcript.edit': async (_socket, ctx, { segmentId, text }) => {
      const { consultationId, participant } = ctx!;
      const { state, events } = await this.deps.consultations.commit(consultationId, (s, now) => decideEdit(s.transcript, participant, segmentId, text, now));
      this.deps.transcripts.announce(consultationId, state, events);
      const index = state.transcript.byId[segmentId];
      return { segment: index === undefined ? null : state.transcript.segments[index]! };
    },
    'transcript.add': async (_socket, ctx, input) => {
      const { consultationId, participant } = ctx!;
      const id = this.deps.newId();
      const { state, events } = await this.deps.consultations.commit(consultationId, (s, now) => {
        const speaker = s.consultation.participants.find((p) => p.id === input.participantId);
        if (!speaker) throw notFound(`participant ${input.participantId}`);
        const agendaItemId = input.agendaItemId ?? s.floor.agendaItemId;
        if (input.agendaItemId && !s.consultation.agenda.some((a) => a.id === input.agendaItemId)) throw notFound(`agenda item ${input.agendaItemId}`);
        return decideAddEntry(s.transcript, participant, { id, agendaItemId, speaker, text: input.text, at: input.at ?? now }, now);
      });
      this.deps.transcripts.announce(consultationId, state, events);
      return { segment: state.transcript.segments[state.transcript.byId[id]!]! };
    },
    'minutes.draft': async (_socket, ctx) => buildMinutes(this.deps.consultations.get(ctx!.consultationId)!, this.deps.clock()),
    'minutes.submit': async (_socket, ctx) => this.minutesAct(ctx!, (s, now) => decideSubmit(s.transcript, ctx!.participant, now)),
    'minutes.approve': async (_socket, ctx, { version }) =>
      this.minutesAct(ctx!, (s, now) => {
        const document = { ...buildMinutes(s, now), status: 'approved' as const };
        return decideApprove(s.transcript, ctx!.participant, version, document, sha256(canonicalJson(document)), now);
      }),
    'minutes.return': async (_socket, ctx) => this.minutesAct(ctx!, (s, now) => decideReturn(s.transcript, ctx!.participant, now)),

    'sites.overview': async (_socket, ctx) => {
      const { consultationId } = ctx!;
      return siteOverview(this.deps.consultations.get(consultationId)!, this.presence.list(consultationId), this.deps.media.existingRoom(consultationId), this.deps.clock(), (studioId) =>
        this.deps.studios.ingestOf(consultationId, studioId),
      );
    },
    'studio.setAttendees': async (_socket, ctx, { names }) => ({ names: await this.deps.studios.setAttendees(ctx!.consultationId, ctx!.participant, names) }),
    'ingest.create': async (_socket, ctx, { studioId }) => ({ ingest: await this.deps.studios.createIngest(ctx!.consultationId, studioId) }),
    'ingest.list': async (_socket, ctx) => ({ ingests: this.deps.studios.list(ctx!.consultationId) }),
    'ingest.setOnAir': async (_socket, ctx, { ingestId, onAir }) => ({ ingest: await this.deps.studios.setOnAir(ctx!.consultationId, ctx!.participant, ingestId, onAir) }),
    'stream.start': async (_socket, ctx, options) => ({ stream: await this.deps.studios.startStream(ctx!.consultationId, options, this.deps.clock()) }),
    'stream.stop': async (_socket, ctx) => this.deps.studios.stopStream(ctx!.consultationId),
    'stream.state': async (_socket, ctx) => ({ stream: this.deps.studios.streamView(ctx!.consultationId) }),

    'agenda.advance': async (_socket, ctx, { expectedAgendaItemId, agendaItemId }) => {
      const { result, version } = await this.deps.floor.act(ctx!.consultationId, ctx!.participant, (f) => {
        const decision = decideAdvance(f, expectedAgendaItemId, agendaItemId);
        return { events: decision.events, result: decision.agendaItemId };
      });
      return { agendaItemId: result, version };
    },
  };

  private async minutesAct(ctx: SocketContext, decide: (s: ConsultationState, now: number) => TranscriptEvent[]): Promise<{ minutes: MinutesVersionInfo }> {
    const { state, events } = await this.deps.consultations.commit(ctx.consultationId, decide);
    this.deps.transcripts.announce(ctx.consultationId, state, events);
    return { minutes: state.transcript.minutes };
  }

  private async floorAct(ctx: SocketContext, decide: (f: FloorContext) => FloorEvent[]): Promise<{ version: number }> {
    const { version } = await this.deps.floor.act(ctx.consultationId, ctx.participant, (f) => ({ events: decide(f), result: undefined }));
    return { version };
  }

  private async setProducerPaused(socket: IoSocket, ctx: SocketContext, producerId: string, paused: boolean): Promise<Record<string, never>> {
    const room = await this.room(ctx.consultationId);
    const producer = await room.setClientPaused(ctx.participant.id, producerId, paused);
    const source = (producer.appData as { source: ProducerInfo['source'] }).source;
    if (!this.micWithheld(ctx.consultationId, ctx.participant.id, source)) {
      socket.to(ctx.consultationId).emit('media.producerUpdated', this.producerInfo(producer, ctx.participant.id, source));
    }
    return {};
  }

  private onDisconnect(socket: IoSocket): void {
    const ctx = this.contexts.get(socket.id);
    if (!ctx) return;
    this.contexts.delete(socket.id);
    const { consultationId, participant } = ctx;
    this.dropBrowserMedia(consultationId, participant.id);
    const entry = this.presence.suspend(consultationId, participant.id, socket.id, this.deps.reconnectGraceMs, () => this.departed(consultationId, participant.id, 'timeout'));
    if (entry) this.announce(consultationId, { kind: 'upsert', participant: toPresent(entry) });
  }

  /**
   * Participants who were in the room when the server stopped: shown as reconnecting, their place
   * in the queue (and the floor) kept for the reconnect grace, as after a dropped link.
   */
  holdPlaces(stranded: readonly { consultationId: string; participantId: string }[]): void {
    for (const { consultationId, participantId } of stranded) {
      const participant = this.deps.consultations.get(consultationId)?.consultation.participants.find((p) => p.id === participantId);
      if (!participant || this.presence.get(consultationId, participantId)) continue;
      this.presence.hold(consultationId, participant, this.deps.clock(), this.deps.reconnectGraceMs, () => this.departed(consultationId, participantId, 'timeout'));
    }
  }

  /** Their grace ran out: everyone is told they left, and the log withdraws their place in the queue. */
  private departed(consultationId: string, participantId: string, reason: LeaveReason): void {
    this.announce(consultationId, { kind: 'left', participantId });
    this.deps.floor.depart(consultationId, participantId, reason).catch((err: unknown) => this.deps.log.error({ err, consultationId, participantId }, 'could not record a departure'));
  }

  private async leave(socketId: string, ctx: SocketContext, reason: LeaveReason): Promise<void> {
    const { consultationId, participant } = ctx;
    this.contexts.delete(socketId);
    this.dropBrowserMedia(consultationId, participant.id);
    if (this.presence.socketOf(consultationId, participant.id) === socketId) {
      this.presence.remove(consultationId, participant.id);
      this.announce(consultationId, { kind: 'left', participantId: participant.id });
      await this.deps.floor.depart(consultationId, participant.id, reason);
    }
    this.io.sockets.sockets.get(socketId)?.leave(consultationId);
  }

  /** Queues a presence change; the consultation's batch goes out within PRESENCE_BATCH_MS. */
  private announce(consultationId: string, change: PresenceChange): void {
    let batch = this.presenceBatches.get(consultationId);
    if (!batch) {
      batch = [];
      this.presenceBatches.set(consultationId, batch);
      setTimeout(() => {
        this.presenceBatches.delete(consultationId);
        this.io.to(consultationId).emit('presence.changed', { changes: batch! });
      }, PRESENCE_BATCH_MS).unref();
    }
    batch.push(change);
  }

  /** Participants present now in a consultation. */
  present(consultationId: string) {
    return this.presence.list(consultationId);
  }

  close(): void {
    this.presence.clear();
    this.contexts.clear();
  }
}
