import { describe, expect, it } from 'vitest';
import { ballotProblem, majorityThreshold, quorumRequired, tallyMotion, type MotionDefinition } from './voting.js';

const decision = (over: Partial<MotionDefinition> = {}): MotionDefinition => ({
  id: 'm',
  title: 't',
  text: '',
  agendaItemId: null,
  kind: 'decision',
  options: [
    { id: 'for', label: 'for' },
    { id: 'against', label: 'against' },
    { id: 'abstain', label: 'abstain' },
  ],
  maxChoices: 1,
  ballot: 'named',
  majority: 'simple',
  abstentionsInBase: false,
  quorum: 0.5,
  timeLimitMs: null,
  allowChange: true,
  createdAt: 0,
  createdBy: 'chair',
  ...over,
});

const election = (seats: number, over: Partial<MotionDefinition> = {}): MotionDefinition =>
  decision({
    kind: 'election',
    options: ['A', 'B', 'C', 'D'].map((l, i) => ({ id: `o${i + 1}`, label: l })),
    maxChoices: seats,
    ...over,
  });

/** Ballots: `n` voters choosing `choice`. */
const many = (n: number, ...choices: string[]) => Array.from({ length: n }, () => choices);

describe('thresholds', () => {
  it('more than half is floor(n/2)+1; two thirds is ceil(2n/3), never below one', () => {
    expect(majorityThreshold('absolute', 55)).toBe(28);
    expect(majorityThreshold('simple', 10)).toBe(6);
    expect(majorityThreshold('simple', 0)).toBe(1);
    expect(majorityThreshold('twoThirdsCast', 9)).toBe(6);
    expect(majorityThreshold('twoThirdsCast', 10)).toBe(7);
    expect(majorityThreshold('twoThirdsMembers', 0)).toBe(1);
  });

  it('quorum: more than the share of all members must be present', () => {
    expect(quorumRequired(55, 0.5)).toBe(28);
    expect(quorumRequired(54, 0.5)).toBe(28);
    expect(quorumRequired(30, 2 / 3)).toBe(21);
    expect(quorumRequired(10, 0)).toBe(1);
  });
});

describe('tally of a decision', () => {
  it('passes the example from the brief: 31 for, more than half of 55 members (28)', () => {
    const r = tallyMotion(decision({ majority: 'absolute' }), [...many(31, 'for'), ...many(10, 'against'), ...many(4, 'abstain')], 50, 55);
    expect(r).toMatchObject({
      counts: { for: 31, against: 10, abstain: 4 },
      ballots: 45,
      passed: true,
      majority: { baseKind: 'members', base: 55, threshold: 28 },
      quorum: { met: true, required: 28 },
    });
  });

  it('simple majority without abstentions in the base: for must beat against', () => {
    const r = tallyMotion(decision(), [...many(5, 'for'), ...many(4, 'against'), ...many(20, 'abstain')], 30, 40);
    expect(r).toMatchObject({ passed: true, majority: { base: 9, threshold: 5 } });
  });

  it('simple majority with abstentions in the base can fail on the same ballots', () => {
    const r = tallyMotion(decision({ abstentionsInBase: true }), [...many(5, 'for'), ...many(4, 'against'), ...many(20, 'abstain')], 30, 40);
    expect(r).toMatchObject({ passed: false, majority: { base: 29, threshold: 15 } });
  });

  it('a tie does not pass and is flagged', () => {
    const r = tallyMotion(decision(), [...many(7, 'for'), ...many(7, 'against')], 20, 30);
    expect(r).toMatchObject({ passed: false, tie: true });
  });

  it('no votes at all: nothing passes, no tie, zero counts', () => {
    const r = tallyMotion(decision(), [], 20, 30);
    expect(r).toMatchObject({ passed: false, tie: false, ballots: 0, counts: { for: 0, against: 0, abstain: 0 }, majority: { base: 0, threshold: 1 } });
  });

  it('everyone abstains: does not pass', () => {
    const r = tallyMotion(decision(), many(20, 'abstain'), 20, 30);
    expect(r).toMatchObject({ passed: false, tie: false, majority: { base: 0 } });
    const withBase = tallyMotion(decision({ abstentionsInBase: true }), many(20, 'abstain'), 20, 30);
    expect(withBase).toMatchObject({ passed: false, majority: { base: 20, threshold: 11 } });
  });

  it('quorum missed: the vote is not valid even with a unanimous for', () => {
    const r = tallyMotion(decision(), many(14, 'for'), 14, 30);
    expect(r).toMatchObject({ passed: false, quorum: { present: 14, required: 16, met: false } });
  });

  it('two thirds of votes cast, and of all members', () => {
    const ballots = [...many(20, 'for'), ...many(10, 'against')];
    expect(tallyMotion(decision({ majority: 'twoThirdsCast' }), ballots, 30, 40).passed).toBe(true);
    expect(tallyMotion(decision({ majority: 'twoThirdsMembers' }), ballots, 30, 40)).toMatchObject({ passed: false, majority: { base: 40, threshold: 27 } });
  });
});

describe('tally of an election', () => {
  it('elects the options over the threshold, most votes first, up to the seats', () => {
    const ballots = [...many(6, 'o1', 'o2'), ...many(3, 'o2', 'o3'), ...many(1, 'o4')];
    const r = tallyMotion(election(2), ballots, 10, 12);
    expect(r.counts).toEqual({ o1: 6, o2: 9, o3: 3, o4: 1 });
    expect(r).toMatchObject({ elected: ['o2', 'o1'], tie: false, passed: true, majority: { base: 10, threshold: 6 } });
  });

  it('a tie across the last seat elects neither tied option', () => {
    const r = tallyMotion(election(1), [...many(6, 'o1'), ...many(6, 'o2')], 12, 12);
    // Each has 6 of 12: neither has more than half.
    expect(r).toMatchObject({ elected: [], tie: false, passed: false });
    const lowBar = tallyMotion(election(1, { majority: 'simple', abstentionsInBase: false }), [...many(6, 'o1'), ...many(6, 'o2'), ...many(1, 'o3')], 13, 13);
    expect(lowBar.elected).toEqual([]);
    const tieAtSeat = tallyMotion(election(2), [...many(6, 'o1', 'o2'), ...many(6, 'o1', 'o3'), ...many(4, 'o2', 'o3')], 16, 16);
    expect(tieAtSeat).toMatchObject({ elected: ['o1'], tie: true });
  });

  it('blank ballots count as abstentions: out of the base unless the motion says otherwise', () => {
    const ballots = [...many(4, 'o1'), ...many(3, 'o2'), ...many(3)];
    expect(tallyMotion(election(1), ballots, 10, 10)).toMatchObject({ blank: 3, elected: ['o1'], majority: { base: 7, threshold: 4 } });
    expect(tallyMotion(election(1, { abstentionsInBase: true }), ballots, 10, 10)).toMatchObject({ elected: [], majority: { base: 10, threshold: 6 } });
  });
});

describe('ballot checks', () => {
  it('refuses unknown options, repeats, too many choices, and a decision without exactly one choice', () => {
    expect(ballotProblem(decision(), ['for'])).toBeNull();
    expect(ballotProblem(decision(), ['maybe'])).toMatch(/does not exist/);
    expect(ballotProblem(decision(), ['for', 'against'])).toMatch(/at most 1/);
    expect(ballotProblem(decision(), [])).toMatch(/exactly one/);
    expect(ballotProblem(election(2), ['o1', 'o1'])).toMatch(/twice/);
    expect(ballotProblem(election(2), ['o1', 'o2', 'o3'])).toMatch(/at most 2/);
    expect(ballotProblem(election(2), [])).toBeNull();
  });
});
