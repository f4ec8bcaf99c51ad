import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Server as IoServerClass } from 'socket.io';
import pino, { type Logger } from 'pino';
import { MediaService } from '@consult/sfu';
import type { ServerConfig } from './config.js';
import type { ActionServices } from './actions/action.js';
import { signJoinToken, verifyJoinToken, type JoinClaims } from './domain/tokens.js';
import { newId } from './ids.js';
import { ConsultationService } from './log/ConsultationService.js';
import { EventBus } from './log/EventBus.js';
import { Attendance } from './features/attendance/Attendance.js';
import { registerConsultationRoutes } from './features/consultations/routes.js';
import { FloorTimer } from './features/floor/FloorTimer.js';
import { registerFloorReactions } from './features/floor/reactions.js';
import { registerFloorRoutes } from './features/floor/routes.js';
import { registerMediaReactions } from './features/media/reactions.js';
import { MediaVisibility } from './features/media/visibility.js';
import { StudioService } from './features/studios/StudioService.js';
import { registerStudioReactions } from './features/studios/reactions.js';
import { registerStudioRoutes } from './features/studios/routes.js';
import { registerWhipRoutes } from './features/studios/whipRoutes.js';
import { loadTranscriber } from './features/transcript/loadTranscriber.js';
import type { Transcriber } from './features/transcript/asr/types.js';
import { TranscriptService } from './features/transcript/TranscriptService.js';
import { registerTranscriptReactions } from './features/transcript/reactions.js';
import { registerTranscriptRoutes } from './features/transcript/routes.js';
import { BallotBoxes } from './features/voting/BallotBoxes.js';
import { registerVotingReactions } from './features/voting/reactions.js';
import { registerVotingRoutes } from './features/voting/routes.js';
import { VotingTimer } from './features/voting/VotingTimer.js';
import { registerHttpBasics } from './http/basics.js';
import { Metrics, countEvents } from './http/metrics.js';
import { operationIdOf, useZodValidation } from './http/schemas.js';
import { socketAudience } from './signaling/Audience.js';
import { handshakeGate } from './signaling/handshakeGate.js';
import { Presence } from './signaling/Presence.js';
import { Signaling, type IoServer } from './signaling/signaling.js';
import { paceUpgrades } from './signaling/TurnPacer.js';
import { openStore, type EventStore } from './store/index.js';

export interface App {
  http: FastifyInstance;
  io: IoServer;
  consultations: ConsultationService;
  ballots: BallotBoxes;
  transcripts: TranscriptService;
  studios: StudioService;
  media: MediaService;
  attendance: Attendance;
  store: EventStore;
  log: Logger;
  /** Signs a join link token for a participant (used by the REST API and the demo seed). */
  issueToken: (consultationId: string, participantId: string) => string;
  joinUrl: (token: string) => string;
  listen: () => Promise<string>;
  close: () => Promise<void>;
}

/**
 * Builds the whole server without listening (tests and main share it): the store and the
 * consultation logs, the SFU, the features' services and reactions on the event bus, the REST
 * API and the socket.io transport.
 */
export async function buildApp(
  config: ServerConfig,
  options: { clock?: () => number; logger?: Logger; transcriber?: Transcriber; store?: EventStore } = {},
): Promise<App> {
  const clock = options.clock ?? Date.now;
  const log = options.logger ?? pino({ level: config.logLevel });
  const store = options.store ?? (await openStore({ redisUrl: config.redisUrl, dataDir: config.dataDir }));
  const secret = config.tokenSecret ?? (await store.secret('join-token', () => randomBytes(32).toString('base64url')));

  // The log: every consultation replayed; changes go through the one commit point and its bus.
  const bus = new EventBus(log.child({ module: 'reactions' }));
  const consultations = new ConsultationService(store, bus, clock);
  const stranded = await consultations.load();
  log.info({ store: store.kind, consultations: consultations.all().length }, 'consultation logs replayed');

  const media = new MediaService(config.media, log.child({ module: 'sfu' }));
  await media.start();
  const ballots = new BallotBoxes(consultations, store.ballots);
  await ballots.load();
  const studios = new StudioService(consultations, media, config, log.child({ module: 'studios' }));
  await studios.load();
  const transcriber = options.transcriber ?? (await loadTranscriber(config.dataDir, log.child({ module: 'asr' })));
  const transcripts = new TranscriptService({
    consultations,
    media,
    transcriber,
    dataDir: config.dataDir,
    clock,
    newId,
    log: log.child({ module: 'transcript' }),
    speechSource: (consultationId, participantId) => (studios.feedReplacesMic(consultationId, participantId) ? 'ingest-audio' : 'mic'),
  });
  const visibility = new MediaVisibility(studios);

  const issueToken = (consultationId: string, participantId: string): string => {
    const participant = consultations.get(consultationId)?.consultation.participants.find((p) => p.id === participantId);
    if (!participant) throw new Error(`no participant ${participantId} in ${consultationId}`);
    const claims: JoinClaims = { consultationId, participantId, role: participant.role, exp: Math.floor(clock() / 1000) + config.tokenTtlSeconds };
    return signJoinToken(claims, secret);
  };
  const verifyToken = (token: string) => verifyJoinToken(token, secret, Math.floor(clock() / 1000));
  const joinUrl = (token: string) => `${config.publicUrl ?? ''}/join?token=${encodeURIComponent(token)}`;

  const http = Fastify({
    loggerInstance: log.child({ module: 'http' }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
  }) as unknown as FastifyInstance;
  useZodValidation(http);
  // Every documented route gets an operationId from its method and path (OpenAPI clients name their calls by it).
  http.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as { hide?: boolean; operationId?: string };
    if (schema.hide) return;
    const method = Array.isArray(route.method) ? route.method[0]! : route.method;
    route.schema = { ...schema, operationId: schema.operationId ?? operationIdOf(method, route.url) };
  });
  const hasClient = existsSync(path.join(config.clientDir, 'index.html'));
  await http.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Remote consultation API',
        version: '0.1.0',
        description: 'Create consultations and issue join links; read their state.',
        license: { name: 'Proprietary: the committee platform’s own' },
      },
      servers: [{ url: config.publicUrl ?? '/', description: 'This server' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await http.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  // The transport: handshakes are admitted on their join link before engine.io does any work.
  const admit = handshakeGate({
    accepts: (token) => {
      try {
        const claims = verifyToken(token);
        return consultations.get(claims.consultationId)?.consultation.participants.some((p) => p.id === claims.participantId) ?? false;
      } catch {
        return false;
      }
    },
    perAddress: config.handshakesPerAddress,
    windowMs: 10_000,
    trustProxy: config.trustProxy,
  });
  const io: IoServer = new IoServerClass(http.server, {
    serveClient: false,
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // Long-polling handshakes (the WebSocket ones were admitted before their turn, in paceUpgrades).
    allowRequest: (req, callback) => {
      if (req.headers.upgrade) return callback(null, true);
      const verdict = admit(req);
      callback(verdict.ok ? null : verdict.message, verdict.ok);
    },
  });
  paceUpgrades(http.server, undefined, admit);
  const presence = new Presence();
  const audience = socketAudience(io, presence);
  const metrics = new Metrics(consultations, presence, media);
  countEvents(metrics, { bus, ballots, studios });
  const attendance = new Attendance({
    consultations,
    presence,
    media,
    audience,
    hasFeed: (consultationId, participantId) => studios.hasIngestPoint(consultationId, participantId),
    graceMs: config.reconnectGraceMs,
    clock,
    log: log.child({ module: 'attendance' }),
    onReconnect: () => metrics.reconnects.inc(),
  });
  const services: ActionServices = { consultations, media, presence, ballots, studios, transcripts, visibility, clock };
  const signaling = new Signaling(io, {
    services,
    attendance,
    verifyToken,
    newId,
    log: log.child({ module: 'signaling' }),
    answered: (request, code) => {
      metrics.requests.inc({ request, outcome: code === null ? 'ok' : 'error' });
      if (code !== null) metrics.errors.inc({ code });
    },
  });

  // What follows from committed events and from the media server.
  const floorTimer = new FloorTimer(consultations, clock, log.child({ module: 'floor' }));
  const votingTimer = new VotingTimer(consultations, ballots, clock, log.child({ module: 'voting' }));
  registerMediaReactions({ media, consultations, visibility, audience });
  registerFloorReactions({ bus, media, audience, timer: floorTimer, clock, log: log.child({ module: 'floor' }) });
  registerVotingReactions({ bus, consultations, ballots, timer: votingTimer, audience, log: log.child({ module: 'voting' }) });
  registerTranscriptReactions({ bus, media, consultations, transcripts, audience });
  registerStudioReactions({ bus, consultations, media, studios, transcripts, audience });
  // Who was in the room when the server stopped keeps their place for the reconnect grace;
  // speeches and motions whose time ran out meanwhile end now, at their deadline.
  attendance.holdPlaces(stranded);
  floorTimer.armAll();
  votingTimer.armAll();

  registerHttpBasics(http, { media, store, metrics, hasClient });
  await registerConsultationRoutes(http, { config, consultations, attendance, issueToken, verifyToken, joinUrl });
  await registerFloorRoutes(http, { config, consultations, clock });
  await registerVotingRoutes(http, { config, consultations, ballots });
  await registerStudioRoutes(http, { config, consultations, studios });
  await registerWhipRoutes(http, { studios });
  await registerTranscriptRoutes(http, { config, consultations, transcripts, verifyToken, clock });
  if (hasClient) {
    await http.register(fastifyStatic, { root: config.clientDir, wildcard: false, index: ['index.html'] });
  } else {
    log.info({ clientDir: config.clientDir }, 'client is not built; only the API is served');
  }

  let closed = false;
  return {
    http,
    io,
    consultations,
    ballots,
    transcripts,
    studios,
    media,
    attendance,
    store,
    log,
    issueToken,
    joinUrl,
    async listen() {
      // A deep accept queue: a burst of connections (a chamber at 9:00, or a flood) is queued, not dropped to SYN retries.
      return http.listen({ port: config.port, host: config.host, backlog: 4096 });
    },
    async close() {
      if (closed) return;
      closed = true;
      floorTimer.close();
      votingTimer.close();
      await transcripts.close();
      await studios.close();
      await transcriber.close();
      signaling.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close().catch(() => undefined);
      metrics.close();
      media.close();
      await store.close();
    },
  };
}
