import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorReply } from '@consult/shared';
import { z } from 'zod';
import { bearer } from '../../http/auth.js';
import { jsonSchema, rawReply } from '../../http/schemas.js';
import type { StudioService } from './StudioService.js';

const MAX_SDP = 64 * 1024;
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
const EndpointParams = z.object({ ingestId: z.string().regex(idPattern, 'an ingest point id') });
const SessionParams = z.object({ ingestId: z.string().regex(idPattern, 'an ingest point id'), sessionId: z.string().regex(idPattern, 'a WHIP session id') });
const SdpOffer = z.string().min(1, 'the body must be an SDP offer').max(MAX_SDP, `the SDP offer is larger than ${MAX_SDP} bytes`);

/** Browser-based encoders publish from other origins: WHIP is open to CORS (the bearer key is the protection). */
async function cors(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  void reply
    .header('access-control-allow-origin', '*')
    .header('access-control-expose-headers', 'Location, Content-Type')
    .header('access-control-allow-headers', 'Authorization, Content-Type')
    .header('access-control-allow-methods', 'POST, DELETE, PATCH, OPTIONS');
}

/** WHIP asks for application/sdp; anything else is refused before its body is looked at. */
async function sdpOnly(request: FastifyRequest): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/sdp') throw Object.assign(new Error('Content-Type must be application/sdp (the body is the SDP offer)'), { statusCode: 415 });
}

const errors = { 400: jsonSchema(ErrorReply), 401: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply), 409: jsonSchema(ErrorReply) };

/**
 * WHIP (RFC 9725) on the HTTP port, beside each ingest point's RTMP: `POST /whip/:ingestId`
 * with the stream key as bearer token and the SDP offer as body answers 201 with the SDP
 * answer and the session's URL in Location; `DELETE` on that URL ends the session. The server
 * is ICE-lite with all its candidates in the answer, so there is no trickle ICE (PATCH is 405).
 */
export async function registerWhipRoutes(app: FastifyInstance, deps: { studios: StudioService }): Promise<void> {
  app.addContentTypeParser('application/sdp', { parseAs: 'string', bodyLimit: MAX_SDP }, (_request, body, done) => done(null, body));

  app.options('/whip/:ingestId', { onRequest: cors, schema: { hide: true } }, async (_request, reply) => reply.status(204).send());
  app.options('/whip/:ingestId/session/:sessionId', { onRequest: cors, schema: { hide: true } }, async (_request, reply) => reply.status(204).send());

  app.post<{ Params: z.infer<typeof EndpointParams>; Body: string }>(
    '/whip/:ingestId',
    {
      onRequest: cors,
      preValidation: sdpOnly,
      bodyLimit: MAX_SDP,
      schema: {
        summary: 'WHIP: publish a studio feed over WebRTC (body: SDP offer; 201 with the SDP answer and Location)',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        consumes: ['application/sdp'],
        params: jsonSchema(EndpointParams),
        body: jsonSchema(SdpOffer),
        response: {
          201: rawReply('The SDP answer; Location names the session (DELETE it to stop)', { 'application/sdp': 'text' }, { Location: 'the session URL' }),
          415: jsonSchema(ErrorReply),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { location, answer } = await deps.studios.whipPublish(request.params.ingestId, bearer(request), request.body);
      return reply.status(201).header('location', location).type('application/sdp').send(answer);
    },
  );

  app.delete<{ Params: z.infer<typeof SessionParams> }>(
    '/whip/:ingestId/session/:sessionId',
    {
      onRequest: cors,
      schema: {
        summary: 'WHIP: end a publishing session',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        params: jsonSchema(SessionParams),
        response: { 200: { description: 'The session ended', type: 'null' }, 401: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply) },
      },
    },
    async (request, reply) => {
      deps.studios.whipDelete(request.params.ingestId, request.params.sessionId, bearer(request));
      return reply.status(200).send();
    },
  );

  // Answered before the body is parsed: a trickle-ice-sdpfrag body has no parser here.
  const noPatch = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .status(405)
      .header('allow', 'DELETE, OPTIONS')
      .send({
        error: {
          code: 'VALIDATION',
          message: 'trickle ICE and ICE restarts are not supported: the server is ICE-lite and its answer carries all its candidates',
        },
      });
  app.patch('/whip/:ingestId/session/:sessionId', { onRequest: [cors, noPatch], schema: { hide: true } }, async (_request, reply) => reply);
}
