import {
  AppError,
  DECISION_OPTIONS,
  ErrorCode,
  ballotProblem,
  invalidState,
  notFound,
  tallyMotion,
  type Consultation,
  type MotionDefinition,
  type MotionResult,
  type MotionStatus,
  type MotionView,
  type Participant,
} from '@consult/shared';
import { GENESIS, chainHash } from './chain.js';
import { eventGuard, fold, type FoldTable } from './events.js';

/**
 * Motions as pure transitions over the consultation log. Every motion event carries
 * the hash of the motion's previous event (`prevHash`) and its own (`hash`), so an
 * export can be checked link by link. Named ballots are events of the log; secret
 * ballots never are: they live in the ballot box (see store/BallotBox), apart from the
 * roll of who voted, and only the box's count and head hash enter the chain at the close.
 */

export interface Chained {
  prevHash: string;
  hash: string;
}

export type MotionEvent =
  | { type: 'motion.created'; data: { motionId: string; definition: MotionDefinition } & Chained }
  | { type: 'motion.opened'; data: { motionId: string; eligible: string[]; members: number; openedAt: number; closesAt: number | null } & Chained }
  | { type: 'ballot.cast'; data: { motionId: string; participantId: string; ballotId: string; choices: string[] } & Chained }
  | {
      type: 'motion.closed';
      data: {
        motionId: string;
        closedAt: number;
        reason: 'moderator' | 'timeout';
        by: string | null;
        /** Secret ballots: how many entries (commitments) the box holds and the hash of its last one. */
        box: { entries: number; headHash: string } | null;
        result: MotionResult;
      } & Chained;
    };

export interface MotionRecord {
  definition: MotionDefinition;
  status: MotionStatus;
  openedAt: number | null;
  closesAt: number | null;
  closedAt: number | null;
  /** Members present at the opening, sorted: the only ones who may vote. */
  eligible: string[];
  /** All members (应到委员) at the opening. */
  members: number;
  /** Named ballots: each voter's latest ballot. */
  named: Record<string, { ballotId: string; choices: string[] }>;
  result: MotionResult | null;
  closeReason: 'moderator' | 'timeout' | null;
  headHash: string;
}

export type Motions = Record<string, MotionRecord>;

/** The hash a motion event must carry: its content without the chain fields, linked to the previous one. */
export function motionEventHash(prevHash: string, type: string, data: Record<string, unknown>): string {
  const { prevHash: _p, hash: _h, ...content } = data;
  return chainHash(prevHash, { type, ...content });
}

function chained<T extends MotionEvent['type']>(
  type: T,
  prevHash: string,
  content: Omit<Extract<MotionEvent, { type: T }>['data'], keyof Chained>,
): MotionEvent {
  const data = { ...content, prevHash, hash: motionEventHash(prevHash, type, content) };
  return { type, data } as unknown as MotionEvent;
}

/** How each motion event changes the motions. */
const FOLD: FoldTable<MotionEvent, Motions> = {
  'motion.created': (motions, data) => ({
    ...motions,
    [data.motionId]: {
      definition: data.definition,
      status: 'draft',
      openedAt: null,
      closesAt: null,
      closedAt: null,
      eligible: [],
      members: 0,
      named: {},
      result: null,
      closeReason: null,
      headHash: data.hash,
    },
  }),
  'motion.opened': (motions, data) => {
    const m = motions[data.motionId];
    if (!m) return motions;
    return {
      ...motions,
      [m.definition.id]: {
        ...m,
        status: 'open',
        eligible: data.eligible,
        members: data.members,
        openedAt: data.openedAt,
        closesAt: data.closesAt,
        headHash: data.hash,
      },
    };
  },
  'ballot.cast': (motions, data) => {
    const m = motions[data.motionId];
    if (!m) return motions;
    // Updated in place: a roll call of a thousand would otherwise copy the map a thousand times.
    // Nobody keeps the previous state (ConsultationService replaces it), so nothing sees the change.
    m.named[data.participantId] = { ballotId: data.ballotId, choices: data.choices };
    m.headHash = data.hash;
    return motions;
  },
  'motion.closed': (motions, data) => {
    const m = motions[data.motionId];
    if (!m) return motions;
    return {
      ...motions,
      [m.definition.id]: { ...m, status: 'closed', closedAt: data.closedAt, result: data.result, closeReason: data.reason, headHash: data.hash },
    };
  },
};

/** Whether an event is one of the motions'. */
export const isMotionEvent = eventGuard<MotionEvent, Motions>(FOLD);

export function applyMotionEvent(motions: Motions, event: MotionEvent): Motions {
  return fold(FOLD, motions, event, 0);
}

export interface VotingContext {
  consultation: Consultation;
  motions: Motions;
  actor: Participant;
  now: number;
  currentAgendaItemId: string;
}

export function motion(motions: Motions, motionId: string): MotionRecord {
  const m = motions[motionId];
  if (!m) throw notFound(`motion ${motionId}`);
  return m;
}

export function decideCreate(
  ctx: VotingContext,
  motionId: string,
  input: {
    title: string;
    text: string;
    agendaItemId?: string | undefined;
    options?: string[] | undefined;
    maxChoices: number;
    ballot: MotionDefinition['ballot'];
    majority: MotionDefinition['majority'];
    abstentionsInBase: boolean;
    quorum: number;
    timeLimitMs: number | null;
    allowChange: boolean;
  },
): MotionEvent[] {
  if (input.agendaItemId !== undefined && !ctx.consultation.agenda.some((a) => a.id === input.agendaItemId)) {
    throw notFound(`agenda item ${input.agendaItemId}`);
  }
  const election = input.options !== undefined;
  if (election && new Set(input.options).size !== input.options!.length) throw new AppError(ErrorCode.VALIDATION, 'options must differ');
  const definition: MotionDefinition = {
    id: motionId,
    title: input.title,
    text: input.text,
    agendaItemId: input.agendaItemId ?? ctx.currentAgendaItemId,
    kind: election ? 'election' : 'decision',
    // Decision options carry fixed ids; the client shows 赞成 / 反对 / 弃权 from its catalogue.
    options: election ? input.options!.map((label, i) => ({ id: `o${i + 1}`, label })) : DECISION_OPTIONS.map((id) => ({ id, label: id })),
    maxChoices: election ? input.maxChoices : 1,
    ballot: input.ballot,
    majority: input.majority,
    abstentionsInBase: input.abstentionsInBase,
    quorum: input.quorum,
    timeLimitMs: input.timeLimitMs,
    allowChange: input.allowChange,
    createdAt: ctx.now,
    createdBy: ctx.actor.id,
  };
  return [chained('motion.created', GENESIS, { motionId, definition })];
}

/** Opens a draft motion; the eligible voters are the members present now. */
export function decideOpen(ctx: VotingContext, motionId: string, presentMembers: readonly string[]): MotionEvent[] {
  const m = motion(ctx.motions, motionId);
  if (m.status !== 'draft') throw new AppError(ErrorCode.STALE, `motion ${motionId} is already ${m.status}`);
  const open = Object.values(ctx.motions).find((x) => x.status === 'open');
  if (open) throw invalidState(`close motion "${open.definition.title}" first: one vote at a time`);
  const members = ctx.consultation.participants.filter((p) => p.role === 'member');
  const memberIds = new Set(members.map((p) => p.id));
  const eligible = [...new Set(presentMembers)].filter((id) => memberIds.has(id)).sort();
  return [
    chained('motion.opened', m.headHash, {
      motionId,
      eligible,
      members: members.length,
      openedAt: ctx.now,
      closesAt: m.definition.timeLimitMs === null ? null : ctx.now + m.definition.timeLimitMs,
    }),
  ];
}

/** Checks a ballot against the motion and the voter: refusals change nothing. */
export function checkBallot(m: MotionRecord, voter: Participant, choices: readonly string[]): void {
  if (voter.role !== 'member') throw new AppError(ErrorCode.FORBIDDEN, `a ${voter.role} does not vote`);
  if (m.status === 'draft') throw invalidState('this motion is not open yet');
  if (m.status === 'closed') throw invalidState('this motion is closed');
  if (!m.eligible.includes(voter.id)) throw new AppError(ErrorCode.FORBIDDEN, 'you were not present when the vote opened, so you are not on the roll');
  const problem = ballotProblem(m.definition, choices);
  if (problem) throw new AppError(ErrorCode.VALIDATION, problem);
}

/**
 * A named ballot. A retry with the same ballot id is answered as the first was (no event);
 * a new ballot id is a change of vote, if the motion allows it.
 */
export function decideNamedVote(
  ctx: VotingContext,
  motionId: string,
  ballotId: string,
  choices: readonly string[],
): { events: MotionEvent[]; changed: boolean } {
  const m = motion(ctx.motions, motionId);
  const previous = m.named[ctx.actor.id];
  if (previous && previous.ballotId === ballotId) {
    if (!sameChoices(previous.choices, choices)) throw new AppError(ErrorCode.VALIDATION, 'this ballot id was already used with other choices');
    return { events: [], changed: false };
  }
  checkBallot(m, ctx.actor, choices);
  if (previous && !m.definition.allowChange) throw invalidState('you have voted; this motion does not allow changing a vote');
  return {
    events: [chained('ballot.cast', m.headHash, { motionId, participantId: ctx.actor.id, ballotId, choices: [...choices] })],
    changed: previous !== undefined,
  };
}

export function sameChoices(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/**
 * Closes an open motion and decides its result. For a secret motion the caller passes
 * the ballot box: the final choice of each receipt, its entry count and head hash.
 */
export function decideClose(
  ctx: { motions: Motions; now: number; actorId: string | null },
  motionId: string,
  reason: 'moderator' | 'timeout',
  secretBox: { finalChoices: string[][]; entries: number; headHash: string } | null,
): MotionEvent[] {
  const m = motion(ctx.motions, motionId);
  if (m.status !== 'open') throw new AppError(ErrorCode.STALE, `motion ${motionId} is ${m.status}, not open`);
  const ballots = m.definition.ballot === 'secret' ? (secretBox?.finalChoices ?? []) : Object.values(m.named).map((b) => b.choices);
  const result = tallyMotion(m.definition, ballots, m.eligible.length, m.members);
  return [
    chained('motion.closed', m.headHash, {
      motionId,
      closedAt: ctx.now,
      reason,
      by: ctx.actorId,
      box: m.definition.ballot === 'secret' ? { entries: secretBox?.entries ?? 0, headHash: secretBox?.headHash ?? GENESIS } : null,
      result,
    }),
  ];
}

export function motionView(m: MotionRecord, voted: number): MotionView {
  return {
    definition: m.definition,
    status: m.status,
    openedAt: m.openedAt,
    closesAt: m.closesAt,
    closedAt: m.closedAt,
    turnout: { voted, eligible: m.eligible.length },
    result: m.result,
    closeReason: m.closeReason,
  };
}
