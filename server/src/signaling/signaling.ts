import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import {
  AppError,
  ErrorCode,
  REQUESTS,
  invalidState,
  type ClientToServerEvents,
  type ErrorBody,
  type JoinReply,
  type ServerToClientEvents,
} from '@consult/shared';
import type { ActionServices } from '../actions/action.js';
import { isActionName, parseRequest, runAction, type Sender } from '../actions/runAction.js';
import type { JoinClaims } from '../domain/tokens.js';
import type { Attendance } from '../features/attendance/Attendance.js';
import { joinSnapshot } from '../features/session/snapshot.js';
import { TurnPacer } from './TurnPacer.js';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
type AckFn = (reply: { ok: true; data: unknown } | { ok: false; error: ErrorBody }) => void;

export interface SignalingDeps {
  services: ActionServices;
  attendance: Attendance;
  verifyToken: (token: string) => JoinClaims;
  newId: () => string;
  log: Logger;
  /** Told of every answer (for the metrics): the request's name, and the error code if it was refused. */
  answered: (request: string, errorCode: string | null) => void;
}

/** Requests one socket may make per second before it is told to slow down. */
const RATE_LIMIT_PER_SECOND = 60;

/**
 * The socket.io transport, and nothing else: a connection joins a consultation as one
 * participant, its requests are rate-limited and handed to `runAction`, each answered by its
 * ack (or, without one, by `request.rejected`), and it leaves or drops. What requests do, and
 * what follows from them, is in the features' actions and reactions.
 */
export class Signaling {
  private readonly senders = new Map<string, Sender>();
  /** Join replies are large: a burst of them is sent one per turn of the event loop. */
  private readonly joinPacer = new TurnPacer();

  constructor(
    private readonly io: IoServer,
    private readonly deps: SignalingDeps,
  ) {
    io.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: IoSocket): void {
    let windowStart = 0;
    let inWindow = 0;
    // Every event goes through here, known or not: a callback sent without a payload is the ack,
    // not the payload; names are looked up as own properties (`constructor` is no request).
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as AckFn) : undefined;
      const name = String(event).slice(0, 64);
      const reply = (body: Parameters<AckFn>[0]) => {
        this.deps.answered(Object.hasOwn(REQUESTS, name) ? name : 'unknown', body.ok ? null : body.error.code);
        if (ack) ack(body);
        else if (!body.ok) socket.emit('request.rejected', { event: name, error: body.error });
      };
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > RATE_LIMIT_PER_SECOND) return reply({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: 'too many requests; slow down' } });
      if (!Object.hasOwn(REQUESTS, name)) return reply({ ok: false, error: { code: ErrorCode.NOT_FOUND, message: `unknown request ${name}` } });
      if (!ack) return reply({ ok: false, error: { code: ErrorCode.VALIDATION, message: `${name} needs an acknowledgement callback` } });
      this.handle(socket, name, args[0]).then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => reply({ ok: false, error: this.toErrorBody(err, name) }),
      );
    });
    socket.on('disconnect', () => {
      const sender = this.senders.get(socket.id);
      if (!sender) return;
      this.senders.delete(socket.id);
      this.deps.attendance.dropped(sender.consultationId, sender.participant.id, socket.id);
    });
  }

  private handle(socket: IoSocket, name: string, payload: unknown): Promise<unknown> {
    if (name === 'session.join') return this.join(socket, parseRequest('session.join', payload).token);
    const sender = this.senders.get(socket.id);
    if (name === 'session.leave') {
      parseRequest('session.leave', payload);
      return this.leave(socket, sender);
    }
    if (!isActionName(name)) throw new AppError(ErrorCode.NOT_FOUND, `unknown request ${name}`);
    return runAction(name, payload, sender, this.deps.services, this.deps.newId);
  }

  private toErrorBody(err: unknown, event: string): ErrorBody {
    if (err instanceof AppError) return err.toBody();
    this.deps.log.error({ err, event }, 'request failed');
    return { code: ErrorCode.INTERNAL, message: 'the server could not complete this request' };
  }

  /** The connection becomes a participant in the room, and gets everything it needs to draw it. */
  private async join(socket: IoSocket, token: string): Promise<JoinReply> {
    if (this.senders.has(socket.id)) throw invalidState('this connection has already joined');
    const { consultations, media } = this.deps.services;
    const claims = this.deps.verifyToken(token);
    const participant = consultations.get(claims.consultationId)?.consultation.participants.find((p) => p.id === claims.participantId);
    if (!participant || participant.role !== claims.role)
      throw new AppError(ErrorCode.TOKEN_INVALID, 'join link does not match a participant of this consultation');
    const consultationId = claims.consultationId;
    const room = await media.room(consultationId);
    const sender: Sender = { consultationId, participant, stillJoined: () => this.senders.get(socket.id) === sender && socket.connected };
    this.senders.set(socket.id, sender);
    const { replaced } = await this.deps.attendance.arrive(consultationId, participant, socket.id);
    if (replaced) this.replace(replaced);
    // One join reply per turn of the loop (a burst's writes finish together), and the room's
    // broadcasts reach this socket only from here on: the reply below is built in this same turn,
    // so it holds everything said before and nothing arrives twice.
    await this.joinPacer.turn();
    if (!sender.stillJoined()) throw invalidState('the connection closed while joining');
    await socket.join(consultationId);
    this.deps.attendance.announceArrival(consultationId, participant.id, socket.id);
    const state = consultations.get(consultationId)!;
    const reply = joinSnapshot(state, participant, room, this.deps.services);
    // What the snapshot shows is durable before it is sent.
    await consultations.settled(consultationId, state.seq);
    return reply;
  }

  /** The same link opened elsewhere: the newer connection wins, the older one is told and closed. */
  private replace(socketId: string): void {
    this.senders.delete(socketId);
    const old = this.io.sockets.sockets.get(socketId);
    old?.emit('session.replaced');
    old?.disconnect(true);
  }

  private async leave(socket: IoSocket, sender: Sender | undefined): Promise<Record<string, never>> {
    if (!sender) throw invalidState('join the consultation first (session.join)');
    this.senders.delete(socket.id);
    await socket.leave(sender.consultationId);
    await this.deps.attendance.leave(sender.consultationId, sender.participant.id, socket.id, 'left');
    return {};
  }

  close(): void {
    this.senders.clear();
    this.deps.attendance.close();
  }
}
