import { describe, expect, it } from 'vitest';
import { tallyMotion, type MotionDefinition, type MotionView } from '@consult/shared';
import { en } from '../../i18n/en';
import { zh, type Catalogue, type MessageKey } from '../../i18n/zh';
import {
  choicesLabel,
  describeResult,
  maySend,
  mergeMotion,
  optionLabel,
  orderMotions,
  randomHex,
  resultOnStage,
  sameChoices,
  voteErrorKey,
  type Translate,
} from './logic';

const translator =
  (catalogue: Catalogue): Translate =>
  (key: MessageKey, params) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
const tZh = translator(zh);
const tEn = translator(en);

const decision = (over: Partial<MotionDefinition> = {}): MotionDefinition => ({
  id: 'm1',
  title: '关于加装电梯补贴的建议案',
  text: '',
  agendaItemId: 'a1',
  kind: 'decision',
  options: ['for', 'against', 'abstain'].map((id) => ({ id, label: id })),
  maxChoices: 1,
  ballot: 'named',
  majority: 'simple',
  abstentionsInBase: false,
  quorum: 0.5,
  timeLimitMs: null,
  allowChange: true,
  createdAt: 1,
  createdBy: 'chair',
  ...over,
});

const election = (seats: number, over: Partial<MotionDefinition> = {}): MotionDefinition =>
  decision({ kind: 'election', options: ['张三', '李四', '王五'].map((label, i) => ({ id: `o${i + 1}`, label })), maxChoices: seats, ...over });

const many = (n: number, ...choices: string[]) => Array.from({ length: n }, () => choices);

describe('describeResult', () => {
  it('spells out a pass by the absolute majority: votes in favour against more than half of all members', () => {
    const d = decision({ majority: 'absolute' });
    const r = tallyMotion(d, [...many(31, 'for'), ...many(10, 'against'), ...many(4, 'abstain')], 50, 55);
    const zhWords = describeResult(tZh, d, r);
    expect(zhWords).toMatchObject({ verdict: 'passed', passed: true, headline: '通过：赞成 31 票，超过应到委员半数 28 票', tie: null });
    expect(zhWords.base).toBe('应到委员 55 人');
    expect(zhWords.quorum).toBe('出席 50 人，应到 55 人，法定人数 28 人：已达到');
    expect(describeResult(tEn, d, r).headline).toBe('Passed: 31 in favour, more than half of all members (28 needed)');
  });

  it('spells out a failure by the simple majority, with abstentions left out of the base', () => {
    const d = decision();
    const r = tallyMotion(d, [...many(5, 'for'), ...many(6, 'against'), ...many(3, 'abstain')], 20, 30);
    const words = describeResult(tZh, d, r);
    expect(words).toMatchObject({ verdict: 'failed', passed: false, headline: '未通过：赞成 5 票，未达到投票数半数以上 6 票' });
    expect(words.base).toBe('投票数：赞成与反对共 11 票（弃权不计入）');
    expect(describeResult(tEn, d, r).headline).toBe('Not passed: 5 in favour, short of more than half of the votes cast (6)');
  });

  it('counts abstentions in the base when the motion says so', () => {
    const d = decision({ abstentionsInBase: true });
    const r = tallyMotion(d, [...many(5, 'for'), ...many(4, 'against'), ...many(20, 'abstain')], 30, 40);
    const words = describeResult(tZh, d, r);
    expect(words.headline).toBe('未通过：赞成 5 票，未达到投票数半数以上 15 票');
    expect(words.base).toBe('投票数：29 票（含弃权）');
  });

  it('names the two-thirds rules', () => {
    const cast = decision({ majority: 'twoThirdsCast' });
    const members = decision({ majority: 'twoThirdsMembers' });
    const ballots = [...many(20, 'for'), ...many(10, 'against')];
    expect(describeResult(tZh, cast, tallyMotion(cast, ballots, 30, 40)).headline).toBe('通过：赞成 20 票，达到投票数三分之二 20 票');
    expect(describeResult(tZh, members, tallyMotion(members, ballots, 30, 40)).headline).toBe('未通过：赞成 20 票，未达到应到委员三分之二 27 票');
  });

  it('puts the missing quorum first, whatever the votes', () => {
    const d = decision();
    const r = tallyMotion(d, many(14, 'for'), 14, 30);
    const words = describeResult(tZh, d, r);
    expect(words).toMatchObject({ verdict: 'noQuorum', passed: false, headline: '未达到法定人数：出席 14 人，需 16 人' });
    expect(words.quorum).toContain('未达到');
    expect(describeResult(tEn, d, r).headline).toBe('No quorum: 14 present, 16 needed');
  });

  it('flags a tie between for and against', () => {
    const d = decision();
    const r = tallyMotion(d, [...many(7, 'for'), ...many(7, 'against')], 20, 30);
    const words = describeResult(tZh, d, r);
    expect(words.verdict).toBe('failed');
    expect(words.tie).toBe('赞成票与反对票相同（各 7 票）。');
  });

  it('lists who is elected, most votes first, with the rule', () => {
    const e = election(2);
    const r = tallyMotion(e, [...many(6, 'o1', 'o2'), ...many(3, 'o1', 'o3'), ...many(1)], 10, 12);
    const words = describeResult(tZh, e, r);
    expect(words).toMatchObject({ verdict: 'elected', passed: true, headline: '当选：张三（9 票）、李四（6 票）' });
    expect(words.rule).toBe('当选须达到投票数半数以上 5 票');
    expect(words.base).toBe('投票数：9 张（空白票不计入）');
    expect(describeResult(tEn, e, r).headline).toBe('Elected: 张三 (9 votes), 李四 (6 votes)');
    const one = election(1, { majority: 'simple' });
    expect(describeResult(tEn, one, tallyMotion(one, [['o1']], 1, 1)).headline).toBe('Elected: 张三 (1 vote)');
  });

  it('flags a tie across the last seat: the tied options are not elected', () => {
    const e = election(2);
    const partly = tallyMotion(e, [...many(6, 'o1', 'o2'), ...many(6, 'o1', 'o3'), ...many(4, 'o2', 'o3')], 16, 16);
    expect(describeResult(tZh, e, partly)).toMatchObject({ verdict: 'elected', headline: '当选：张三（12 票）' });
    expect(describeResult(tZh, e, partly).tie).toContain('得票相同');
    const none = tallyMotion(e, [...many(6, 'o1', 'o2'), ...many(6, 'o1', 'o3'), ...many(6, 'o2', 'o3')], 18, 18);
    const words = describeResult(tZh, e, none);
    expect(words).toMatchObject({ verdict: 'noneElected', passed: false, headline: '无人当选：末位得票相同' });
    expect(words.tie).toContain('得票相同');
  });

  it('says nobody reached the threshold', () => {
    const e = election(1, { majority: 'absolute' });
    const r = tallyMotion(e, [...many(3, 'o1'), ...many(3, 'o2'), ...many(3, 'o3')], 9, 12);
    expect(describeResult(tZh, e, r).headline).toBe('无人当选：没有候选项达到应到委员半数以上 7 票');
  });
});

describe('labels', () => {
  it('takes decision labels from the catalogue and election labels from the motion', () => {
    expect(optionLabel(tZh, decision(), 'for')).toBe('赞成');
    expect(optionLabel(tEn, decision(), 'abstain')).toBe('Abstain');
    expect(optionLabel(tZh, election(1), 'o2')).toBe('李四');
    expect(choicesLabel(tZh, election(2), ['o1', 'o3'])).toBe('张三、王五');
    expect(choicesLabel(tZh, election(2), [])).toBe('空白票');
  });
});

describe('voteErrorKey', () => {
  const ctx = { status: 'open' as const, allowChange: true, secret: false, hadSecret: false };
  it('explains refusals from what the client knows', () => {
    expect(voteErrorKey('FORBIDDEN', ctx)).toBe('vote.ineligible');
    expect(voteErrorKey('INVALID_STATE', { ...ctx, status: 'closed' })).toBe('vote.errorClosed');
    expect(voteErrorKey('INVALID_STATE', { ...ctx, secret: true })).toBe('vote.otherDevice');
    expect(voteErrorKey('INVALID_STATE', { ...ctx, secret: true, hadSecret: true, allowChange: false })).toBe('vote.errorNoChange');
    expect(voteErrorKey('INVALID_STATE', ctx)).toBe('errors.INVALID_STATE');
    expect(voteErrorKey('RATE_LIMITED', ctx)).toBe('errors.RATE_LIMITED');
  });
});

describe('ballot helpers', () => {
  it('compares choices in any order', () => {
    expect(sameChoices(['o1', 'o2'], ['o2', 'o1'])).toBe(true);
    expect(sameChoices(['o1'], ['o1', 'o2'])).toBe(false);
    expect(sameChoices([], [])).toBe(true);
  });

  it('makes lowercase hex of the requested length', () => {
    const hex = randomHex(16, (array) => array.fill(0xab));
    expect(hex).toBe('ab'.repeat(16));
    expect(randomHex(32, (array) => array.map((_, i) => i))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends nothing while a ballot is on its way, except a change of a secret ballot waiting to be sealed', () => {
    const waiting = { sending: true, pending: { choices: ['for'] } };
    expect(maySend({ sending: false, pending: null }, false, ['for'])).toBe(true);
    expect(maySend(waiting, false, ['against'])).toBe(false);
    expect(maySend(waiting, true, ['against'])).toBe(true);
    // The same choices again would only be the retry already on its way.
    expect(maySend(waiting, true, ['for'])).toBe(false);
  });
});

describe('motion views', () => {
  const view = (status: MotionView['status'], voted: number, over: Partial<MotionView> = {}): MotionView => ({
    definition: decision(),
    status,
    openedAt: status === 'draft' ? null : 10,
    closesAt: null,
    closedAt: status === 'closed' ? 20 : null,
    turnout: { voted, eligible: 5 },
    result: null,
    closeReason: status === 'closed' ? 'moderator' : null,
    ...over,
  });

  it('never moves a motion back and never lowers the turnout of the same status', () => {
    const closed = view('closed', 4);
    expect(mergeMotion(closed, view('open', 5))).toBe(closed);
    expect(mergeMotion(view('open', 3), view('open', 2)).turnout.voted).toBe(3);
    expect(mergeMotion(view('open', 3), view('open', 4)).turnout.voted).toBe(4);
    expect(mergeMotion(view('draft', 0), view('open', 0)).status).toBe('open');
    expect(mergeMotion(undefined, closed)).toBe(closed);
  });

  it('orders open first, then drafts, then closed motions newest first', () => {
    const a = view('closed', 1, { definition: decision({ id: 'a' }), closedAt: 100 });
    const b = view('closed', 1, { definition: decision({ id: 'b' }), closedAt: 200 });
    const c = view('draft', 0, { definition: decision({ id: 'c' }) });
    const d = view('open', 0, { definition: decision({ id: 'd' }) });
    expect(orderMotions([a, b, c, d]).map((m) => m.definition.id)).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe('a result on the stage', () => {
  it('is announced for a minute after the close, then leaves the stage (also for a page that joins later)', () => {
    const closedAt = 1_000_000;
    expect(resultOnStage(closedAt, closedAt)).toBe(true);
    expect(resultOnStage(closedAt, closedAt + 59_999)).toBe(true);
    expect(resultOnStage(closedAt, closedAt + 60_000)).toBe(false);
    expect(resultOnStage(closedAt, closedAt + 30 * 60_000)).toBe(false);
    expect(resultOnStage(null, closedAt)).toBe(false);
  });
});
