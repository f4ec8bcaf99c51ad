import { promises as fs } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, ErrorReply, can, notFound, transcriptSchemas } from '@consult/shared';
import { z } from 'zod';
import type { ServerConfig } from '../../config.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { JoinClaims } from '../../domain/tokens.js';
import { adminOnly, bearer } from '../../http/auth.js';
import { jsonSchema, rawReply } from '../../http/schemas.js';
import { minutesDocx } from './docx.js';
import { buildMinutes, minutesHtml, minutesMarkdown, speechVtt } from './minutes.js';
import { htmlToPdf } from './pdf.js';
import type { TranscriptService } from './TranscriptService.js';

interface Deps {
  config: ServerConfig;
  consultations: ConsultationService;
  transcripts: TranscriptService;
  verifyToken: (token: string) => JoinClaims;
  clock: () => number;
}

const IdParams = z.object({ id: z.string().min(1).max(64) });
const SpeechParams = z.object({ id: z.string().min(1).max(64), speechId: z.string().min(1).max(64) });
const SegmentParams = z.object({ id: z.string().min(1).max(64), segmentId: z.string().min(1).max(64) });

/** Minutes exports, WebVTT per speech, and the clerk's audio clips. */
export async function registerTranscriptRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const admin = adminOnly(deps.config.adminToken);
  /** The platform (admin token), or the clerk or moderator of this consultation with their join link's token. */
  const recordKeeper = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const token = bearer(request);
    if (token && token.startsWith('v1.')) {
      const claims = deps.verifyToken(token);
      if (claims.consultationId !== request.params.id) throw new AppError(ErrorCode.FORBIDDEN, 'this link is for another consultation');
      if (!can(claims.role, 'minutes.read')) throw new AppError(ErrorCode.FORBIDDEN, `a ${claims.role} may not read the minutes draft`);
      return;
    }
    await admin(request);
  };
  const state = (id: string) => deps.consultations.read(id);
  const errors = { 401: jsonSchema(ErrorReply), 403: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply) };

  app.get<{ Params: z.infer<typeof IdParams>; Querystring: z.infer<typeof transcriptSchemas.MinutesQuery> }>(
    '/api/consultations/:id/minutes',
    {
      onRequest: recordKeeper,
      schema: {
        summary: 'The minutes: the approved (locked) version if the current one is approved, else the live draft. format=md|html|pdf|docx|json',
        tags: ['minutes'],
        security: [{ bearer: [] }],
        params: jsonSchema(IdParams),
        querystring: jsonSchema(transcriptSchemas.MinutesQuery),
        response: {
          200: rawReply(
            'The minutes in the format asked for; the approved version carries its hash in X-Minutes-Hash',
            {
              'application/json': 'json',
              'text/markdown': 'text',
              'text/html': 'text',
              'application/pdf': 'binary',
              'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'binary',
            },
            { 'X-Minutes-Hash': 'sha256 of the approved document, when the minutes are approved' },
          ),
          400: jsonSchema(ErrorReply),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const s = await state(request.params.id);
      const language = s.consultation.language;
      const minutes = s.transcript.minutes;
      const locked = minutes.status === 'approved' ? s.transcript.approved[minutes.version] : undefined;
      const document = locked?.document ?? buildMinutes(s, deps.clock());
      if (locked) void reply.header('x-minutes-hash', locked.hash);
      const name = `minutes-${s.consultation.id}-v${document.version}`;
      switch (request.query.format) {
        case 'md':
          return reply.type('text/markdown; charset=utf-8').send(minutesMarkdown(document, language));
        case 'html':
          return reply.type('text/html; charset=utf-8').send(minutesHtml(document, language));
        case 'pdf': {
          const pdf = await htmlToPdf(minutesHtml(document, language));
          return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(pdf);
        }
        case 'docx':
          return reply
            .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
            .header('content-disposition', `attachment; filename="${name}.docx"`)
            .send(await minutesDocx(document, language, request.query.layout));
        default:
          return { minutes, hash: locked?.hash ?? null, document };
      }
    },
  );

  app.get<{ Params: z.infer<typeof SpeechParams> }>(
    '/api/consultations/:id/speeches/:speechId/captions.vtt',
    {
      onRequest: recordKeeper,
      schema: {
        summary: 'The captions of one speech as WebVTT',
        tags: ['minutes'],
        security: [{ bearer: [] }],
        params: jsonSchema(SpeechParams),
        response: { 200: rawReply('The captions of the speech', { 'text/vtt': 'text' }), ...errors },
      },
    },
    async (request, reply) => {
      const vtt = speechVtt(await state(request.params.id), request.params.speechId);
      if (vtt === null) throw notFound(`speech ${request.params.speechId}`);
      return reply.type('text/vtt; charset=utf-8').send(vtt);
    },
  );

  app.get<{ Params: z.infer<typeof SegmentParams> }>(
    '/api/consultations/:id/segments/:segmentId/clip.wav',
    {
      onRequest: recordKeeper,
      schema: {
        summary: 'The audio of one transcript segment (for the clerk)',
        tags: ['minutes'],
        security: [{ bearer: [] }],
        params: jsonSchema(SegmentParams),
        response: { 200: rawReply('The audio of the segment', { 'audio/wav': 'binary' }), ...errors },
      },
    },
    async (request, reply) => {
      const s = await state(request.params.id);
      const index = s.transcript.byId[request.params.segmentId];
      if (index === undefined || !s.transcript.segments[index]!.hasClip) throw notFound(`clip of segment ${request.params.segmentId}`);
      const data = await fs.readFile(deps.transcripts.clipPath(request.params.id, request.params.segmentId)).catch(() => {
        throw notFound(`clip of segment ${request.params.segmentId}`);
      });
      return reply.type('audio/wav').send(data);
    },
  );
}
