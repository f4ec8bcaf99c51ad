import type { FastifyInstance } from 'fastify';
import {
  AppError,
  ConsultationIdParams,
  ConsultationReply,
  CreateConsultationBody,
  CreateConsultationReply,
  ErrorCode,
  ErrorReply,
  SessionInfoReply,
} from '@consult/shared';
import { z } from 'zod';
import type { ServerConfig } from '../../config.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { ConsultationState } from '../../domain/consultation.js';
import type { JoinClaims } from '../../domain/tokens.js';
import { jsonSchema } from '../../http/schemas.js';
import { adminOnly, bearer } from '../../http/auth.js';
import type { Attendance } from '../attendance/Attendance.js';

interface Deps {
  config: ServerConfig;
  consultations: ConsultationService;
  attendance: Attendance;
  issueToken: (consultationId: string, participantId: string) => string;
  verifyToken: (token: string) => JoinClaims;
  joinUrl: (token: string) => string;
}

const errors = { 400: jsonSchema(ErrorReply), 401: jsonSchema(ErrorReply), 404: jsonSchema(ErrorReply), 413: jsonSchema(ErrorReply) };

/** The REST contract the embedding platform uses (issue #2): create and read consultations, check a join link. */
export async function registerConsultationRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { consultations } = deps;

  const requireAdmin = adminOnly(deps.config.adminToken);

  const withLinks = (state: ConsultationState) =>
    state.consultation.participants.map((p) => ({ ...p, joinUrl: deps.joinUrl(deps.issueToken(state.consultation.id, p.id)) }));

  app.post<{ Body: CreateConsultationBody }>(
    '/api/consultations',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'Create a consultation and issue a join link per participant',
        tags: ['consultations'],
        security: [{ bearer: [] }],
        body: jsonSchema(CreateConsultationBody),
        response: { 201: jsonSchema(CreateConsultationReply, 'output'), ...errors },
      },
    },
    async (request, reply) => {
      const state = await consultations.create(request.body);
      request.log.info({ consultationId: state.consultation.id, participants: state.consultation.participants.length }, 'consultation created');
      return reply.status(201).send({ id: state.consultation.id, title: state.consultation.title, participants: withLinks(state) });
    },
  );

  app.get<{ Params: z.infer<typeof ConsultationIdParams> }>(
    '/api/consultations/:id',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'Read a consultation: agenda, sites, participants with fresh join links, who is present',
        tags: ['consultations'],
        security: [{ bearer: [] }],
        params: jsonSchema(ConsultationIdParams),
        response: { 200: jsonSchema(ConsultationReply, 'output'), ...errors },
      },
    },
    async (request) => {
      const state = await consultations.read(request.params.id);
      const { consultation } = state;
      return {
        id: consultation.id,
        title: consultation.title,
        language: consultation.language,
        createdAt: consultation.createdAt,
        agenda: consultation.agenda,
        sites: consultation.sites,
        participants: withLinks(state),
        present: deps.attendance.present(consultation.id).map((p) => ({ participantId: p.id, status: p.status })),
      };
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        summary: "What a join link's bearer is: consultation, name, role, site",
        tags: ['session'],
        security: [{ bearer: [] }],
        response: { 200: jsonSchema(SessionInfoReply, 'output'), 401: jsonSchema(ErrorReply) },
      },
    },
    async (request) => {
      const token = bearer(request);
      if (!token) throw new AppError(ErrorCode.TOKEN_INVALID, 'no join token given');
      const claims = deps.verifyToken(token);
      const state = consultations.get(claims.consultationId);
      const participant = state?.consultation.participants.find((p) => p.id === claims.participantId);
      if (!state || !participant || participant.role !== claims.role) {
        throw new AppError(ErrorCode.TOKEN_INVALID, 'join link does not match a participant of this consultation');
      }
      const site = state.consultation.sites.find((s) => s.id === participant.siteId);
      return {
        consultation: { id: state.consultation.id, title: state.consultation.title, language: state.consultation.language },
        participant: { ...participant, siteName: site?.name ?? participant.siteId },
        expiresAt: claims.exp * 1000,
      };
    },
  );
}
