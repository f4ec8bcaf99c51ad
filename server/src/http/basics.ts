import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { MediaService } from '@consult/sfu';
import { AppError, ErrorCode, type ErrorBody } from '@consult/shared';
import type { EventStore } from '../store/EventStore.js';
import type { Metrics } from './metrics.js';

/** How much of a refused body is read and dropped before the answer, and for how long at most. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/** Reads a request's remaining body into nowhere, up to a bound. */
function drain(stream: IncomingMessage, limit: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) done();
    };
    const timer = setTimeout(done, timeoutMs);
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
    stream.resume();
  });
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
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

/** Errors as `{ error: { code, message } }`, unknown routes, the single-page app's routes, `/health` and `/metrics`. */
export function registerHttpBasics(http: FastifyInstance, deps: { media: MediaService; store: EventStore; metrics: Metrics; hasClient: boolean }): void {
  http.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let body: ErrorBody;
    let status: number;
    if (error instanceof AppError) {
      body = error.toBody();
      status = STATUS_BY_CODE[error.code];
    } else if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      body = {
        code: ErrorCode.PAYLOAD_TOO_LARGE,
        message: `request body is too large (limit ${limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB`})`,
      };
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
    // Refused before its body was read (too large, wrong type): read and drop the rest first, so a
    // client still sending sees the answer instead of a broken connection.
    if (!request.raw.complete) await drain(request.raw, DRAIN_LIMIT_BYTES, DRAIN_TIMEOUT_MS);
    if (!request.raw.complete) void reply.header('connection', 'close');
    return reply.status(status).send({ error: body });
  });
  http.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET' || !deps.hasClient) {
      void reply.status(404).send({ error: { code: ErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } });
      return;
    }
    // Client-side routes (/join, /room…) all load the single-page app.
    void reply.sendFile('index.html');
  });
  http.get('/health', { schema: { hide: true } }, async (_req, reply) => {
    const healthy = deps.media.pool.size > 0;
    return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', workers: deps.media.pool.size, store: deps.store.kind });
  });
  http.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()));
}
