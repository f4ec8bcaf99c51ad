import { z } from 'zod';
import { BALLOT_TYPES, DEFAULT_QUORUM, MAJORITY_RULES } from '../voting.js';

const id = z.string().min(1).max(128);
const hex = z.string().regex(/^[0-9a-f]{32,128}$/);

export const CreateMotionRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    text: z.string().trim().max(5000).default(''),
    /** Defaults to the current agenda item. */
    agendaItemId: id.optional(),
    /** Custom options make an election; none: 赞成 / 反对 / 弃权. */
    options: z.array(z.string().trim().min(1).max(100)).min(2).max(50).optional(),
    /** Election only: choose up to this many (1: choose one). */
    maxChoices: z.number().int().min(1).max(50).default(1),
    ballot: z.enum(BALLOT_TYPES).default('named'),
    majority: z.enum(MAJORITY_RULES).default('simple'),
    abstentionsInBase: z.boolean().default(false),
    quorum: z.number().min(0).max(0.99).default(DEFAULT_QUORUM),
    timeLimitMs: z.number().int().min(10_000).max(3_600_000).nullable().default(null),
    /** Secret ballots must allow it: a later ballot overrides one shown to a coercer (docs/DECISIONS.md). */
    allowChange: z.boolean().default(true),
  })
  .strict()
  .refine((m) => m.ballot !== 'secret' || m.allowChange, {
    error: 'a secret ballot can always be changed until the close, so that a ballot shown to someone proves nothing',
    path: ['allowChange'],
  })
  .refine((m) => !m.options || m.maxChoices <= m.options.length, { error: 'maxChoices cannot exceed the number of options', path: ['maxChoices'] })
  .refine((m) => m.options !== undefined || m.maxChoices === 1, { error: 'a decision takes exactly one choice', path: ['maxChoices'] });

export const MotionRequest = z.object({ motionId: id }).strict();

export const VoteRequest = z
  .object({
    motionId: id,
    /** Client-made id; a retry with the same id is answered as the first was. */
    ballotId: z.string().min(1).max(64),
    choices: z.array(id).max(50),
    /**
     * Secret ballots only: a random secret the voter's device keeps for the motion (32–128 hex).
     * Only its holder can change the ballot.
     */
    ballotSecret: hex.optional(),
    /**
     * Secret ballots only: a random nonce of this ballot (32–128 hex), kept on the device. The
     * ballot is published as the commitment to (motion, nonce, choices); see secretBallot.ts.
     */
    ballotNonce: hex.optional(),
  })
  .strict();

export const MotionIdParams = z.object({ id: z.string().min(1).max(64), motionId: z.string().min(1).max(64) });
export const AuditQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });
