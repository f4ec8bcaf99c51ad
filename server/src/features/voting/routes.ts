import type { FastifyInstance } from 'fastify';
import { ErrorReply, invalidState, notFound, votingSchemas } from '@consult/shared';
import type { z } from 'zod';
import type { ServerConfig } from '../../config.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import { isMotionEvent, motion, motionView } from '../../domain/voting.js';
import { adminOnly } from '../../http/auth.js';
import { jsonSchema, objectReply, rawReply } from '../../http/schemas.js';
import { auditCsv, type MotionAudit } from './audit.js';
import type { BallotBoxes } from './BallotBoxes.js';

interface Deps {
  config: ServerConfig;
  consultations: ConsultationService;
  ballots: BallotBoxes;
}

type Params = z.infer<typeof votingSchemas.MotionIdParams>;

/** Results and audit exports of motions, for the embedding platform. */
export async function registerVotingRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const onRequest = adminOnly(deps.config.adminToken);
  const errors = { 401: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply), 409: jsonSchema(ErrorReply) };

  app.get<{ Params: Params }>(
    '/api/consultations/:id/motions/:motionId',
    {
      onRequest,
      schema: {
        summary: 'A motion: definition, status, turnout and (once closed) the result',
        tags: ['voting'],
        security: [{ bearer: [] }],
        params: jsonSchema(votingSchemas.MotionIdParams),
        response: { 200: objectReply('The motion (MotionView): definition, status, turnout and, once closed, the result'), ...errors },
      },
    },
    async (request) => {
      const m = motion((await deps.consultations.read(request.params.id)).motions, request.params.motionId);
      return motionView(m, deps.ballots.voted(request.params.id, m));
    },
  );

  app.get<{ Params: Params; Querystring: z.infer<typeof votingSchemas.AuditQuery> }>(
    '/api/consultations/:id/motions/:motionId/audit',
    {
      onRequest,
      schema: {
        summary:
          'The motion’s hash chain, and per-member choices (named) or the box’s chain of ballot commitments (secret, after the close); ?format=csv for the choices or the sorted commitments as CSV',
        tags: ['voting'],
        security: [{ bearer: [] }],
        params: jsonSchema(votingSchemas.MotionIdParams),
        querystring: jsonSchema(votingSchemas.AuditQuery),
        response: {
          200: rawReply('The audit export (MotionAudit) as JSON, or the choices as CSV', { 'application/json': 'json', 'text/csv': 'text' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { id, motionId } = request.params;
      const state = await deps.consultations.read(id);
      const motion = state.motions[motionId];
      if (!motion) throw notFound(`motion ${motionId}`);
      const secret = motion.definition.ballot === 'secret';
      if (secret && motion.status !== 'closed' && request.query.format === 'csv')
        throw invalidState('a secret ballot’s commitments are published when the vote closes');
      const events = (await deps.consultations.storeRead(id)).filter((e) => isMotionEvent(e) && e.data.motionId === motionId);
      const people = new Map(state.consultation.participants.map((p) => [p.id, p]));
      const audit: MotionAudit = {
        format: 'consultation-motion-audit/2',
        consultationId: id,
        motionId,
        definition: motion.definition,
        status: motion.status,
        events,
        named: secret
          ? null
          : Object.entries(motion.named).map(([participantId, b]) => ({
              participantId,
              name: people.get(participantId)?.name ?? participantId,
              siteId: people.get(participantId)?.siteId ?? '',
              choices: b.choices,
            })),
        // The box is never shown while the vote is open: not even its size per option.
        box: secret && motion.status === 'closed' ? await deps.ballots.entries(id, motion) : null,
        result: motion.result,
      };
      if (request.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="motion-${motionId}.csv"`).send(auditCsv(audit));
      }
      return audit;
    },
  );
}
