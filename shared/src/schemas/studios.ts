import { z } from 'zod';

const id = z.string().min(1).max(128);

export const CreateIngestRequest = z.object({ studioId: id }).strict();
export const SetOnAirRequest = z.object({ ingestId: id, onAir: z.boolean() }).strict();
export const SetAttendeesRequest = z.object({ names: z.array(z.string().max(60)).max(300) }).strict();
export const StartStreamRequest = z
  .object({
    /** Also push the stream to this RTMP destination (a video platform). */
    rtmpUrl: z
      .string()
      .max(500)
      .regex(/^rtmps?:\/\//, 'an rtmp:// or rtmps:// URL')
      .optional(),
    record: z.boolean().default(true),
  })
  .strict();
