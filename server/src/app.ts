import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Server as IoServerClass } from 'socket.io';
import { paceUpgrades } from './signaling/TurnPacer.js';
import pino, { type Logger } from 'pino';
import { AppError, ErrorCode, type ErrorBody } from '@consult/shared';
import { MediaService } from '@consult/sfu';
import type { ServerConfig } from './config.js';
import { ConsultationService, newId } from './domain/ConsultationService.js';
import { FloorService } from './features/floor/FloorService.js';
import { registerFloorRoutes } from './features/floor/routes.js';
import { VotingService } from './features/voting/VotingService.js';
import { registerVotingRoutes } from './features/voting/routes.js';
import { TranscriptService } from './features/transcript/TranscriptService.js';
import { loadTranscriber } from './features/transcript/loadTranscriber.js';
import { registerTranscriptRoutes } from './features/transcript/routes.js';
import type { Transcriber } from './features/transcript/asr/types.js';
import { StudioService } from './features/studios/StudioService.js';
import { registerStudioRoutes } from './features/studios/routes.js';
import { registerWhipRoutes } from './features/studios/whipRoutes.js';
import { signJoinToken, verifyJoinToken, type JoinClaims } from './domain/tokens.js';
import { Metrics } from './http/metrics.js';
import { useZodValidation } from './http/schemas.js';
import { registerConsultationRoutes } from './features/consultations/routes.js';
import { openStore, type EventStore } from './store/index.js';
import { Signaling, type IoServer } from './signaling/signaling.js';

export interface App {
  http: FastifyInstance;
  io: IoServer;
  consultations: ConsultationService;
  floor: FloorService;
  voting: VotingService;
  transcripts: TranscriptService;
  studios: StudioService;
  media: MediaService;
  signaling: Signaling;
  store: EventStore;
  log: Logger;
  /** Signs a join link token for a participant (used by the REST API and the demo seed). */
  issueToken: (consultationId: string, participantId: string) => string;
  joinUrl: (token: string) => string;
  listen: () => Promise<string>;
  close: () => Promise<void>;
}

const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCode.VALIDATION]: 400,
  [ErrorCode.TOKEN_INVALID]: 401,
  [ErrorCode.TOKEN_EXPIRED]: 401,
  [ErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.INVALID_STATE]: 409,
  [ErrorCode.STALE]: 409,
  [ErrorCode.NO_FLOOR]: 403,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.MEDIA]: 503,
  [ErrorCode.INTERNAL]: 500,
};

/** Builds the whole server (store, SFU, HTTP, signaling) without listening: tests and main share it. */
export async function buildApp(
  config: ServerConfig,
  options: { clock?: () => number; logger?: Logger; transcriber?: Transcriber; store?: EventStore } = {},
): Promise<App> {
  const clock = options.clock ?? Date.now;
  const log = options.logger ?? pino({ level: config.logLevel });
  const store = options.store ?? (await openStore({ redisUrl: config.redisUrl, dataDir: config.dataDir }));
  const secret = config.tokenSecret ?? (await store.secret('join-token', () => randomBytes(32).toString('base64url')));
  const consultations = new ConsultationService(store, clock);
  const stranded = await consultations.load();
  log.info({ store: store.kind, consultations: consultations.all().length }, 'consultation logs replayed');
  const floor = new FloorService(consultations, newId, clock, log.child({ module: 'floor' }));
  const voting = new VotingService(consultations, store.ballots, newId, clock, log.child({ module: 'voting' }));
  await voting.load();

  const media = new MediaService(config.media, log.child({ module: 'sfu' }));
  await media.start();
  const transcriber = options.transcriber ?? (await loadTranscriber(config.dataDir, log.child({ module: 'asr' })));
  const studios = new StudioService(consultations, media, config, newId, log.child({ module: 'studios' }));
  await studios.load();
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

  const http = Fastify({
    loggerInstance: log.child({ module: 'http' }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
  }) as unknown as FastifyInstance;
  useZodValidation(http);

  const issueToken = (consultationId: string, participantId: string): string => {
    const state = consultations.get(consultationId);
    const participant = state?.consultation.participants.find((p) => p.id === participantId);
    if (!participant) throw new Error(`no participant ${participantId} in ${consultationId}`);
    const claims: JoinClaims = { consultationId, participantId, role: participant.role, exp: Math.floor(clock() / 1000) + config.tokenTtlSeconds };
    return signJoinToken(claims, secret);
  };
  const verifyToken = (token: string) => verifyJoinToken(token, secret, Math.floor(clock() / 1000));
  const joinUrl = (token: string) => `${config.publicUrl ?? ''}/join?token=${encodeURIComponent(token)}`;

  http.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let body: ErrorBody;
    let status: number;
    if (error instanceof AppError) {
      body = error.toBody();
      status = STATUS_BY_CODE[error.code] ?? 400;
    } else if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      body = { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'request body is too large (limit 1 MB)' };
      status = 413;
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own refusals: malformed JSON, wrong content type, empty body…
      body = { code: ErrorCode.VALIDATION, message: error.message };
      status = error.statusCode;
    } else {
      request.log.error({ err: error }, 'request failed');
      body = { code: ErrorCode.INTERNAL, message: 'internal error; see the server log' };
      status = 500;
    }
    void reply.status(status).send({ error: body });
  });
  http.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET' || !hasClient) {
      void reply.status(404).send({ error: { code: ErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0]}` } });
      return;
    }
    // Client-side routes (/join, /room…) all load the single-page app.
    void reply.sendFile('index.html');
  });

  await http.register(fastifySwagger, {
    openapi: {
      info: { title: 'Remote consultation API', version: '0.1.0', description: 'Create consultations and issue join links; read their state.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await http.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  const io: IoServer = new IoServerClass(http.server, {
    serveClient: false,
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    connectionStateRecovery: undefined,
  });
  paceUpgrades(http.server);
  const signaling = new Signaling(io, {
    consultations,
    floor,
    voting,
    transcripts,
    studios,
    newId,
    media,
    verifyToken,
    reconnectGraceMs: config.reconnectGraceMs,
    clock,
    log: log.child({ module: 'signaling' }),
  });
  // Who was in the room when the server stopped keeps their place for the reconnect grace.
  signaling.holdPlaces(stranded);
  const metrics = new Metrics(consultations, signaling.presence, media);

  http.get('/health', { schema: { hide: true } }, async (_req, reply) => {
    const healthy = media.pool.size > 0;
    return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', workers: media.pool.size, store: store.kind });
  });
  http.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(await metrics.render()),
  );

  await registerConsultationRoutes(http, { config, consultations, signaling, issueToken, verifyToken, joinUrl });
  await registerFloorRoutes(http, { config, floor, clock });
  await registerVotingRoutes(http, { config, consultations, voting });
  await registerStudioRoutes(http, { config, studios });
  await registerWhipRoutes(http, { studios });
  await registerTranscriptRoutes(http, { config, consultations, transcripts, verifyToken, clock });
  // Speeches whose time ran out while the server was down end now, at their deadline.
  floor.armAll();

  const hasClient = existsSync(path.join(config.clientDir, 'index.html'));
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
    floor,
    voting,
    transcripts,
    studios,
    media,
    signaling,
    store,
    log,
    issueToken,
    joinUrl,
    async listen() {
      return http.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      floor.close();
      voting.shutdown();
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
