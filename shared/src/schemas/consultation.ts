import { z } from 'zod';
import { ROLES } from '../roles.js';

/** Identifiers chosen by the embedding platform (site ids) are kept printable and short. */
const externalId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : -');
const label = (max: number) => z.string().trim().min(1).max(max);

export const SiteInput = z.object({ id: externalId, name: label(100) });
export const AgendaItemInput = z.object({ title: label(200) });
export const ParticipantInput = z.object({
  name: label(100),
  role: z.enum(ROLES),
  siteId: externalId,
});

/** Body of POST /api/consultations: the shape the embedding platform sends. */
export const CreateConsultationBody = z
  .object({
    title: label(200),
    language: z.enum(['zh', 'en']).default('zh'),
    agenda: z.array(AgendaItemInput).max(100).default([]),
    sites: z.array(SiteInput).min(1).max(500),
    participants: z.array(ParticipantInput).min(1).max(5000),
  })
  .superRefine((body, ctx) => {
    const siteIds = new Set<string>();
    body.sites.forEach((site, i) => {
      if (siteIds.has(site.id)) {
        ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `duplicate site id "${site.id}"` });
      }
      siteIds.add(site.id);
    });
    body.participants.forEach((p, i) => {
      if (!siteIds.has(p.siteId)) {
        ctx.addIssue({ code: 'custom', path: ['participants', i, 'siteId'], message: `site "${p.siteId}" is not listed in sites` });
      }
    });
  });
export type CreateConsultationBody = z.infer<typeof CreateConsultationBody>;

export const ConsultationIdParams = z.object({ id: z.string().min(1).max(64) });

export const ParticipantWithLink = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  siteId: z.string(),
  joinUrl: z.string(),
});

export const CreateConsultationReply = z.object({
  id: z.string(),
  title: z.string(),
  participants: z.array(ParticipantWithLink),
});

export const ConsultationReply = z.object({
  id: z.string(),
  title: z.string(),
  language: z.enum(['zh', 'en']),
  createdAt: z.number(),
  agenda: z.array(z.object({ id: z.string(), title: z.string() })),
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
  participants: z.array(ParticipantWithLink),
  present: z.array(z.object({ participantId: z.string(), status: z.enum(['online', 'reconnecting']) })),
});

/** GET /api/session: what a join link's bearer may know before joining. */
export const SessionInfoReply = z.object({
  consultation: z.object({ id: z.string(), title: z.string(), language: z.enum(['zh', 'en']) }),
  participant: z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES), siteId: z.string(), siteName: z.string() }),
  expiresAt: z.number(),
});

export type SessionInfo = z.infer<typeof SessionInfoReply>;

export const ErrorReply = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
