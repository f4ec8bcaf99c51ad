import { z } from 'zod';

const id = z.string().min(1).max(128);

export const EditSegmentRequest = z.object({ segmentId: id, text: z.string().trim().max(10_000) }).strict();

export const AddEntryRequest = z
  .object({
    /** The speaker, chosen from the participant list. */
    participantId: id,
    text: z.string().trim().min(1).max(10_000),
    /** Defaults to the current agenda item. */
    agendaItemId: id.optional(),
    /** When it was said (server time ms); defaults to now. */
    at: z.number().int().positive().optional(),
  })
  .strict();

export const ApproveMinutesRequest = z.object({ version: z.number().int().min(1) }).strict();

export const MinutesQuery = z.object({
  format: z.enum(['md', 'html', 'pdf', 'docx', 'json']).default('json'),
  /** Word only: a plain document, or the layout of Chinese official documents (GB/T 9704-2012). */
  layout: z.enum(['plain', 'official']).default('plain'),
});
