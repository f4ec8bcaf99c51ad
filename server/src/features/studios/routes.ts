import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ErrorReply, notFound, type LiveInfo } from '@consult/shared';
import { z } from 'zod';
import type { ServerConfig } from '../../config.js';
import { adminOnly } from '../../http/auth.js';
import { jsonSchema, objectReply, rawReply } from '../../http/schemas.js';
import { listRecordings } from './LiveStream.js';
import type { StudioService } from './StudioService.js';
import type { ConsultationService } from '../../log/ConsultationService.js';

const LiveParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), file: z.string().regex(/^(index\.m3u8|seg_\d{5}\.ts)$/) });
const IdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const LiveInfoReply = z.object({ title: z.string(), live: z.literal(true) });
const RecordingParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), file: z.string().regex(/^[A-Za-z0-9_.-]{1,80}\.mkv$/) });

/** The public HLS stream and its title, and the recordings for the platform. */
export async function registerStudioRoutes(
  app: FastifyInstance,
  deps: { config: ServerConfig; consultations: ConsultationService; studios: StudioService },
): Promise<void> {
  const dataDir = deps.config.dataDir;
  // Public, no token: only while the stream is live, and only its title (what the viewer sees on screen anyway).
  app.get<{ Params: z.infer<typeof IdParams> }>(
    '/live/:id/info',
    {
      schema: {
        summary: 'The title of a consultation whose public stream is live (404 otherwise)',
        tags: ['stream'],
        security: [],
        params: jsonSchema(IdParams),
        response: { 200: jsonSchema(LiveInfoReply, 'output'), 404: jsonSchema(ErrorReply) },
      },
    },
    async (request, reply): Promise<LiveInfo> => {
      void reply.header('access-control-allow-origin', '*').header('cache-control', 'no-cache');
      return deps.studios.liveInfo(request.params.id);
    },
  );
  app.get<{ Params: z.infer<typeof LiveParams> }>(
    '/live/:id/:file',
    {
      schema: {
        summary: 'The public live stream (HLS playlist and segments)',
        tags: ['stream'],
        security: [],
        params: jsonSchema(LiveParams),
        response: {
          200: rawReply('The playlist or a segment', { 'application/vnd.apple.mpegurl': 'text', 'video/mp2t': 'binary' }),
          404: jsonSchema(ErrorReply),
        },
      },
    },
    async (request, reply) => {
      const file = path.join(dataDir, 'live', request.params.id, request.params.file);
      const data = await fs.readFile(file).catch(() => {
        throw notFound('stream segment');
      });
      const playlist = request.params.file.endsWith('.m3u8');
      return reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', playlist ? 'no-cache' : 'public, max-age=60')
        .type(playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
        .send(data);
    },
  );
  const admin = adminOnly(deps.config.adminToken);
  app.get<{ Params: z.infer<typeof IdParams> }>(
    '/api/consultations/:id/recordings',
    {
      onRequest: admin,
      schema: {
        summary: 'Recordings of the public stream (one file per composition)',
        tags: ['stream'],
        security: [{ bearer: [] }],
        params: jsonSchema(IdParams),
        response: {
          200: objectReply('The recordings: { recordings: [{ file, startedAt, bytes }] }'),
          401: jsonSchema(ErrorReply),
          404: jsonSchema(ErrorReply),
        },
      },
    },
    async (request) => {
      await deps.consultations.read(request.params.id);
      return { recordings: await listRecordings(dataDir, request.params.id) };
    },
  );
  app.get<{ Params: z.infer<typeof RecordingParams> }>(
    '/api/consultations/:id/recordings/:file',
    {
      onRequest: admin,
      schema: {
        summary: 'Download a recording',
        tags: ['stream'],
        security: [{ bearer: [] }],
        params: jsonSchema(RecordingParams),
        response: { 200: rawReply('The recording (Matroska)', { 'video/x-matroska': 'binary' }), 401: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply) },
      },
    },
    async (request, reply) => {
      const data = await fs.readFile(path.join(dataDir, 'recordings', request.params.id, request.params.file)).catch(() => {
        throw notFound('recording');
      });
      return reply.type('video/x-matroska').header('content-disposition', `attachment; filename="${request.params.file}"`).send(data);
    },
  );
}
