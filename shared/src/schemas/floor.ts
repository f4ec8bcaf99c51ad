import { z } from 'zod';
import { FLOOR_REQUEST_TYPES, SPEECH_OUTCOMES } from '../floor.js';

const id = z.string().min(1).max(128);
/** Limits are whole seconds' worth of milliseconds, from 10 s to 2 h; grace up to 5 min. */
const limitMs = z.number().int().min(10_000).max(7_200_000);

export const FloorRequest = z
  .object({
    type: z.enum(FLOOR_REQUEST_TYPES).default('speech'),
    note: z.string().trim().max(200).default(''),
    /** Moderator only: put this participant in the queue. */
    participantId: id.optional(),
  })
  .strict();

export const EntryRequest = z.object({ entryId: id }).strict();

export const RejectRequest = z.object({ entryId: id, reason: z.string().trim().max(200).default('') }).strict();

export const ReorderRequest = z.object({ entryId: id, toIndex: z.number().int().min(0).max(10_000) }).strict();

export const GrantRequest = z
  .object({
    /** The speech the moderator saw on the floor (null: none). A mismatch means the click is stale. */
    expectedSpeechId: id.nullable(),
    /** Give the floor to this queue entry… */
    entryId: id.optional(),
    /** …or directly to this participant (a studio, say) without a queue entry. Neither: next in line. */
    participantId: id.optional(),
    type: z.enum(FLOOR_REQUEST_TYPES).optional(),
    /** Override the limit; null opens the floor without a countdown. */
    limitMs: limitMs.nullable().optional(),
  })
  .strict()
  .refine((r) => !(r.entryId && r.participantId), { error: 'give either entryId or participantId, not both' });

export const SpeechRequest = z.object({ speechId: id }).strict();

export const ExtendRequest = z.object({ speechId: id, addMs: z.number().int().min(5_000).max(3_600_000) }).strict();

export const SetLimitsRequest = z
  .object({
    /** The agenda item to set limits for; omitted: the consultation's defaults. */
    agendaItemId: id.optional(),
    speech: limitMs.optional(),
    reply: limitMs.optional(),
    order: limitMs.optional(),
    grace: z.number().int().min(0).max(300_000).optional(),
  })
  .strict();

export const SetQueueOpenRequest = z.object({ open: z.boolean() }).strict();

export const AdvanceAgendaRequest = z
  .object({
    /** The item the moderator saw as current; a mismatch means another click already moved on. */
    expectedAgendaItemId: id.nullable(),
    /** Go to this item; omitted: the next one. */
    agendaItemId: id.optional(),
  })
  .strict();

export const EmptyRequest = z.object({}).strict();

/** GET /api/consultations/:id/speeches: the speaking record and totals (SpeechReport). */
const SpeechRecord = z.object({
  id: z.string(),
  participantId: z.string(),
  name: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  agendaItemId: z.string(),
  type: z.enum(FLOOR_REQUEST_TYPES),
  note: z.string(),
  entryId: z.string().nullable(),
  grantedAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number(),
  limitMs: z.number().nullable(),
  outcome: z.enum(SPEECH_OUTCOMES).nullable(),
});
const Totals = { count: z.number(), totalMs: z.number() };
export const SpeechReportReply = z.object({
  consultationId: z.string(),
  speeches: z.array(SpeechRecord),
  byParticipant: z.array(z.object({ participantId: z.string(), name: z.string(), role: z.string(), siteId: z.string(), ...Totals })),
  bySite: z.array(z.object({ siteId: z.string(), name: z.string(), ...Totals })),
});
