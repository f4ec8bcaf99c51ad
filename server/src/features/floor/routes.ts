import type { FastifyInstance } from 'fastify';
import { ConsultationIdParams, ErrorReply, floorSchemas } from '@consult/shared';
import type { z } from 'zod';
import type { ServerConfig } from '../../config.js';
import { adminOnly } from '../../http/auth.js';
import { jsonSchema } from '../../http/schemas.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import { speechReport } from '../../domain/floor.js';

interface Deps {
  config: ServerConfig;
  consultations: ConsultationService;
  clock: () => number;
}

/** The speaking record for the embedding platform: every speech and the totals per member and per site. */
export async function registerFloorRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.get<{ Params: z.infer<typeof ConsultationIdParams> }>(
    '/api/consultations/:id/speeches',
    {
      onRequest: adminOnly(deps.config.adminToken),
      schema: {
        summary: 'Every speech (who, site, agenda item, type, granted, ended, duration, how it ended) with totals per member and per site',
        tags: ['floor'],
        security: [{ bearer: [] }],
        params: jsonSchema(ConsultationIdParams),
        response: { 200: jsonSchema(floorSchemas.SpeechReportReply, 'output'), 401: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply) },
      },
    },
    async (request) => {
      const state = await deps.consultations.read(request.params.id);
      return speechReport(state.consultation, state.floor, deps.clock());
    },
  );
}
