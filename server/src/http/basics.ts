import type { FastifyInstance } from 'fastify';
import type { MediaService } from '@consult/sfu';
import { AppError, ErrorCode, type ErrorBody } from '@consult/shared';
import type { EventStore } from '../store/EventStore.js';
import type { Metrics } from './metrics.js';

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
  http.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let body: ErrorBody;
    let status: number;
    if (error instanceof AppError) {
      body = error.toBody();
      status = STATUS_BY_CODE[error.code];
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
  http.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await deps.metrics.render()));
}
