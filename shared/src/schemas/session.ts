import { z } from 'zod';

export const JoinRequest = z.object({ token: z.string().min(1).max(4096) });
export type JoinRequest = z.infer<typeof JoinRequest>;

export const TimeSyncRequest = z.object({ clientTime: z.number() });
export type TimeSyncRequest = z.infer<typeof TimeSyncRequest>;

export const LeaveRequest = z.object({}).strict();
export type LeaveRequest = z.infer<typeof LeaveRequest>;
