/**
 * Pure helpers of the voting screens (no store, no DOM: unit-tested in node): the result
 * spelled out in words from the structured result, option labels, which message explains
 * a refused ballot, and the small rules of ballots and motion views.
 */
import type { MajorityRule, MotionDefinition, MotionResult, MotionStatus, MotionView } from '@consult/shared';
import type { AppErrorCode } from '../../net/errors';
import type { MessageKey } from '../../i18n/zh';

/**
 * How long a result stays on the stage after its close; then the speaker's picture has the stage
 * back and the result stays in the 表决 panel. A page that (re)joins later does not get it on the stage.
 */
export const RESULT_ON_STAGE_MS = 60_000;

/** Whether a motion closed at `closedAt` (server time) is still announced on the stage at `now`. */
export function resultOnStage(closedAt: number | null, now: number): boolean {
  return closedAt !== null && now - closedAt < RESULT_ON_STAGE_MS;
}

/** A catalogue lookup, as `useT()` or `translate(lang, …)` give it. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What a closed motion came to, for colour and test ids. */
export type Verdict = 'passed' | 'failed' | 'noQuorum' | 'elected' | 'noneElected';

export interface ResultWording {
  verdict: Verdict;
  /** Whether the motion carried (a decision passed, or someone was elected). */
  passed: boolean;
  /** The one sentence to announce, e.g. "通过：赞成 31 票，超过应到委员半数 28 票". */
  headline: string;
  /** The rule for an election (the decision's rule is in its headline). */
  rule: string | null;
  /** What the threshold is a share of, in words. */
  base: string;
  /** Present / members / required. */
  quorum: string;
  /** Tie flagged, in words, or null. */
  tie: string | null;
}

/** The label of an option: the catalogue's 赞成/反对/弃权 for a decision, the motion's own label for an election. */
export function optionLabel(t: Translate, definition: Pick<MotionDefinition, 'kind' | 'options'>, optionId: string): string {
  if (definition.kind === 'decision' && (optionId === 'for' || optionId === 'against' || optionId === 'abstain')) return t(`vote.option.${optionId}`);
  return definition.options.find((o) => o.id === optionId)?.label ?? optionId;
}

/** Chosen options in words ("赞成", "张三、李四"), or the blank ballot. */
export function choicesLabel(t: Translate, definition: Pick<MotionDefinition, 'kind' | 'options'>, choices: readonly string[]): string {
  if (choices.length === 0) return t('vote.blank');
  return choices.map((id) => optionLabel(t, definition, id)).join(t('vote.listSeparator'));
}

function needKey(rule: MajorityRule): MessageKey {
  return `vote.need.${rule}`;
}

function metKey(rule: MajorityRule): MessageKey {
  return `vote.met.${rule}`;
}

/**
 * Builds the announcement of a result from the structured result alone (never from the
 * server's words): the verdict, the votes in favour against the threshold in words of the
 * rule, the quorum, and ties.
 */
export function describeResult(t: Translate, definition: MotionDefinition, result: MotionResult): ResultWording {
  const { majority, quorum } = result;
  const threshold = majority.threshold;
  const need = t(needKey(majority.rule), { threshold });
  const base =
    majority.baseKind === 'members'
      ? t('vote.base.members', { base: majority.base })
      : definition.kind === 'decision'
        ? t(definition.abstentionsInBase ? 'vote.base.castWithAbstain' : 'vote.base.cast', { base: majority.base })
        : t(definition.abstentionsInBase ? 'vote.base.ballotsWithBlank' : 'vote.base.ballots', { base: majority.base });
  const quorumLine = t(quorum.met ? 'vote.quorumLineMet' : 'vote.quorumLineUnmet', {
    present: quorum.present,
    members: quorum.members,
    required: quorum.required,
  });

  if (definition.kind === 'decision') {
    const yes = result.counts.for ?? 0;
    const tie = result.tie ? t('vote.tie.decision', { count: yes }) : null;
    if (!quorum.met) {
      return {
        verdict: 'noQuorum',
        passed: false,
        headline: t('vote.sentence.noQuorum', { present: quorum.present, required: quorum.required }),
        rule: null,
        base,
        quorum: quorumLine,
        tie,
      };
    }
    if (result.passed) {
      return {
        verdict: 'passed',
        passed: true,
        headline: t('vote.sentence.passed', { yes, rule: t(metKey(majority.rule), { threshold }) }),
        rule: null,
        base,
        quorum: quorumLine,
        tie,
      };
    }
    return { verdict: 'failed', passed: false, headline: t('vote.sentence.failed', { yes, need }), rule: null, base, quorum: quorumLine, tie };
  }

  const tie = result.tie ? t('vote.tie.election') : null;
  const rule = t('vote.sentence.electedRule', { need });
  if (!quorum.met) {
    return {
      verdict: 'noQuorum',
      passed: false,
      headline: t('vote.sentence.noQuorum', { present: quorum.present, required: quorum.required }),
      rule,
      base,
      quorum: quorumLine,
      tie,
    };
  }
  if (result.elected.length === 0) {
    return {
      verdict: 'noneElected',
      passed: false,
      headline: t(result.tie ? 'vote.sentence.noneElectedTie' : 'vote.sentence.noneElected', { need }),
      rule,
      base,
      quorum: quorumLine,
      tie,
    };
  }
  const list = result.elected
    .map((id) => {
      const count = result.counts[id] ?? 0;
      return t(count === 1 ? 'vote.electedItemOne' : 'vote.electedItem', { label: optionLabel(t, definition, id), count });
    })
    .join(t('vote.listSeparator'));
  return { verdict: 'elected', passed: true, headline: t('vote.sentence.elected', { list }), rule, base, quorum: quorumLine, tie };
}

/** The rule's plain-language name for the create form and the motion summaries. */
export function majorityKey(rule: MajorityRule): MessageKey {
  return `vote.majority.${rule}`;
}

/** Which catalogue message explains a refused ballot, from the code and what the client knows. */
export function voteErrorKey(
  code: AppErrorCode,
  context: { status: MotionStatus | undefined; allowChange: boolean; secret: boolean; hadSecret: boolean },
): MessageKey {
  if (code === 'FORBIDDEN') return 'vote.ineligible';
  if (code === 'INVALID_STATE' || code === 'STALE') {
    if (context.status === 'closed') return 'vote.errorClosed';
    if (context.status === 'draft') return 'vote.errorNotOpen';
    // A secret ballot cast from another device can be changed only there.
    if (context.secret && !context.hadSecret) return 'vote.otherDevice';
    if (!context.allowChange) return 'vote.errorNoChange';
  }
  if (code === 'NOT_FOUND') return 'vote.errorNotFound';
  return `errors.${code}`;
}

/** The same options, in any order. */
export function sameChoices(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = [...b].sort();
  return [...a].sort().every((x, i) => x === sorted[i]);
}

/**
 * Whether a ballot may be sent now: not while one is on its way, except a change of a secret
 * ballot waiting to be sealed (until the close, the last ballot of a device counts).
 */
export function maySend(own: { sending: boolean; pending: { choices: readonly string[] } | null }, secret: boolean, choices: readonly string[]): boolean {
  return !own.sending || (secret && own.pending !== null && !sameChoices(own.pending.choices, choices));
}

/** Lowercase hex of `bytes` random bytes, from the given source of randomness (crypto.getRandomValues). */
export function randomHex(bytes: number, fill: (array: Uint8Array) => Uint8Array): string {
  const array = fill(new Uint8Array(bytes));
  return Array.from(array, (b) => b.toString(16).padStart(2, '0')).join('');
}

const STATUS_RANK: Record<MotionStatus, number> = { draft: 0, open: 1, closed: 2 };

/**
 * Merges a view into the one we have. Pushes and acks can cross: a motion never goes back
 * (closed stays closed), and the turnout of the same status never goes down.
 */
export function mergeMotion(current: MotionView | undefined, next: MotionView): MotionView {
  if (!current) return next;
  const rank = STATUS_RANK[next.status] - STATUS_RANK[current.status];
  if (rank < 0) return current;
  if (rank > 0 || next.status === 'closed') return next;
  return next.turnout.voted >= current.turnout.voted ? next : { ...next, turnout: current.turnout };
}

/** Newest first: open motions, then drafts, then closed ones by closing time. */
export function orderMotions(list: readonly MotionView[]): MotionView[] {
  const group: Record<MotionStatus, number> = { open: 0, draft: 1, closed: 2 };
  return [...list].sort(
    (a, b) =>
      group[a.status] - group[b.status] ||
      (b.closedAt ?? 0) - (a.closedAt ?? 0) ||
      b.definition.createdAt - a.definition.createdAt ||
      a.definition.id.localeCompare(b.definition.id),
  );
}

/** Share of the bar, 0–100, never NaN. */
export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.max(0, Math.min(100, (part / whole) * 100));
}
