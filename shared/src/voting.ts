/**
 * Motions and ballots: the types both sides share, and the pure tally with its quorum
 * and majority rules. The server decides results with `tallyMotion`; the verification
 * command recomputes them from an audit export with the same function.
 */

export const BALLOT_TYPES = ['named', 'secret'] as const;
export type BallotType = (typeof BALLOT_TYPES)[number];

/**
 * - simple: more than half of the votes cast (for > against when abstentions are not in the base);
 * - absolute: more than half of all members (应到委员);
 * - twoThirdsCast: at least two thirds of the votes cast;
 * - twoThirdsMembers: at least two thirds of all members.
 */
export const MAJORITY_RULES = ['simple', 'absolute', 'twoThirdsCast', 'twoThirdsMembers'] as const;
export type MajorityRule = (typeof MAJORITY_RULES)[number];

/** A decision (赞成 / 反对 / 弃权) or an election among custom options. */
export type MotionKind = 'decision' | 'election';

export interface MotionOption {
  id: string;
  label: string;
}

/** The option ids of a decision, in the order they are shown. */
export const DECISION_OPTIONS = ['for', 'against', 'abstain'] as const;

export interface MotionDefinition {
  id: string;
  title: string;
  text: string;
  agendaItemId: string | null;
  kind: MotionKind;
  options: MotionOption[];
  /** How many options a ballot may choose: 1 for a decision or a choose-one election; k for choose-up-to-k. */
  maxChoices: number;
  ballot: BallotType;
  majority: MajorityRule;
  abstentionsInBase: boolean;
  /** Share of all members that must be present; the vote is valid when present > quorum × members. */
  quorum: number;
  timeLimitMs: number | null;
  allowChange: boolean;
  createdAt: number;
  createdBy: string;
}

export type MotionStatus = 'draft' | 'open' | 'closed';

export interface MotionTurnout {
  voted: number;
  eligible: number;
}

export interface QuorumResult {
  /** Members present when the motion opened (the eligible voters). */
  present: number;
  members: number;
  /** Fewest present for a valid vote. */
  required: number;
  met: boolean;
}

export interface MajorityResult {
  rule: MajorityRule;
  /** What the threshold is a share of: the votes cast, or all members. */
  baseKind: 'cast' | 'members';
  base: number;
  /** Fewest votes an option needs. */
  threshold: number;
}

export interface MotionResult {
  counts: Record<string, number>;
  /** Ballots cast (one per voter; a changed vote counts once). */
  ballots: number;
  /** Ballots that chose nothing (an election's abstention). */
  blank: number;
  quorum: QuorumResult;
  majority: MajorityResult;
  /** Decision: the motion passed (quorum and majority met). */
  passed: boolean;
  /** Election: options elected, most votes first (at most maxChoices). */
  elected: string[];
  /** A tie that the rule cannot break: for = against, or equal votes at the last seat. */
  tie: boolean;
}

/** What everyone is shown of a motion. Named choices are for the moderator only (see MotionModeratorView). */
export interface MotionView {
  definition: MotionDefinition;
  status: MotionStatus;
  openedAt: number | null;
  closesAt: number | null;
  closedAt: number | null;
  turnout: MotionTurnout;
  result: MotionResult | null;
  /** How it closed: by the moderator, or at its time limit. */
  closeReason: 'moderator' | 'timeout' | null;
}

/** For named (roll-call) ballots, live: who chose what. Moderator only. */
export interface NamedChoices {
  motionId: string;
  choices: Record<string, string[]>;
  /** The roll: members present at the opening (who has not voted yet is the difference). */
  eligible: string[];
}

/**
 * After a secret ballot closes: the commitment of every ballot cast, those a later ballot of the
 * same device overrode and some random padding alike, sorted. No choice and no link to one: the
 * choices are published only as the result's counts.
 */
export interface PublishedBallots {
  motionId: string;
  commitments: string[];
}

/** What a tally needs of the final ballots: votes per option, how many ballots, how many blank. */
export interface CountedBallots {
  counts: Record<string, number>;
  ballots: number;
  blank: number;
}

/** Counts the final ballots (one choice list per voter); choices not on the motion are ignored. */
export function countBallots(definition: Pick<MotionDefinition, 'options'>, ballots: readonly (readonly string[])[]): CountedBallots {
  const counts: Record<string, number> = Object.fromEntries(definition.options.map((o) => [o.id, 0]));
  let blank = 0;
  for (const choices of ballots) {
    if (choices.length === 0) blank++;
    for (const choice of choices) if (choice in counts) counts[choice]!++;
  }
  return { counts, ballots: ballots.length, blank };
}

export const DEFAULT_QUORUM = 0.5;

/** Fewest present members for a valid vote: more than `quorum` of all members. */
export function quorumRequired(members: number, quorum: number): number {
  return Math.floor(members * quorum + 1e-9) + 1;
}

/** Fewest votes needed: more than half (floor(base/2)+1) or at least two thirds (ceil(2·base/3)), never below 1. */
export function majorityThreshold(rule: MajorityRule, base: number): number {
  if (rule === 'simple' || rule === 'absolute') return Math.floor(base / 2) + 1;
  return Math.max(1, Math.ceil((2 * base) / 3 - 1e-9));
}

/**
 * Tallies the final ballots (one choice list per voter). `present` is the number of
 * members present at the opening (the eligible voters), `members` all members.
 */
export function tallyMotion(definition: MotionDefinition, ballots: readonly (readonly string[])[], present: number, members: number): MotionResult {
  return tallyCounts(definition, countBallots(definition, ballots), present, members);
}

/**
 * The result from the counted ballots alone (what an audit of a secret ballot has: its ballots
 * are published as counts, never one by one).
 */
export function tallyCounts(definition: MotionDefinition, counted: CountedBallots, present: number, members: number): MotionResult {
  const counts = Object.fromEntries(definition.options.map((o) => [o.id, counted.counts[o.id] ?? 0]));
  const { blank } = counted;
  const required = quorumRequired(members, definition.quorum);
  const quorum: QuorumResult = { present, members, required, met: present >= required };
  const baseKind = definition.majority === 'absolute' || definition.majority === 'twoThirdsMembers' ? 'members' : 'cast';

  if (definition.kind === 'decision') {
    const yes = counts.for ?? 0;
    const no = counts.against ?? 0;
    const abstain = counts.abstain ?? 0;
    const base = baseKind === 'members' ? members : yes + no + (definition.abstentionsInBase ? abstain : 0);
    const threshold = majorityThreshold(definition.majority, base);
    const majority: MajorityResult = { rule: definition.majority, baseKind, base, threshold };
    return { counts, ballots: counted.ballots, blank, quorum, majority, passed: quorum.met && yes >= threshold, elected: [], tie: yes === no && yes > 0 };
  }

  // Election: an option is elected with enough votes, most first, up to maxChoices seats.
  const cast = counted.ballots - (definition.abstentionsInBase ? 0 : blank);
  const base = baseKind === 'members' ? members : cast;
  const threshold = majorityThreshold(definition.majority, base);
  const majority: MajorityResult = { rule: definition.majority, baseKind, base, threshold };
  const qualified = definition.options
    .map((o, index) => ({ id: o.id, votes: counts[o.id]!, index }))
    .filter((o) => o.votes >= threshold)
    .sort((a, b) => b.votes - a.votes || a.index - b.index);
  let elected = qualified.slice(0, definition.maxChoices);
  let tie = false;
  const last = elected.at(-1);
  const firstOut = qualified[definition.maxChoices];
  if (last && firstOut && firstOut.votes === last.votes) {
    // Equal votes across the last seat: those tied are not elected; a run-off decides.
    tie = true;
    elected = elected.filter((o) => o.votes > last.votes);
  }
  return {
    counts,
    ballots: counted.ballots,
    blank,
    quorum,
    majority,
    passed: quorum.met && elected.length > 0,
    elected: quorum.met ? elected.map((o) => o.id) : [],
    tie,
  };
}

/** Validates a ballot's choices against the motion: known options, no repeats, at most maxChoices, a decision exactly one. */
export function ballotProblem(definition: MotionDefinition, choices: readonly string[]): string | null {
  const known = new Set(definition.options.map((o) => o.id));
  for (const c of choices) if (!known.has(c)) return `option ${c} does not exist on this motion`;
  if (new Set(choices).size !== choices.length) return 'an option was chosen twice';
  if (choices.length > definition.maxChoices) return `choose at most ${definition.maxChoices}`;
  if (definition.kind === 'decision' && choices.length !== 1) return 'choose exactly one of for, against, abstain';
  return null;
}
