import type { MotionDefinition, MotionView } from '@consult/shared';
import { useT, type MessageKey } from '../../i18n';
import { Icon } from '../ui/Icon';
import { formatClock, useServerNow } from '../floor/time';
import { majorityKey, percent } from './logic';

/** Voted / eligible with a bar; the numbers are also in data attributes for tests. */
export function Turnout({ motion, testId }: { motion: MotionView; testId?: string }) {
  const t = useT();
  const { voted, eligible } = motion.turnout;
  const text = t('vote.turnout', { voted, eligible });
  return (
    <div className="turnout" data-testid={testId} data-voted={voted} data-eligible={eligible}>
      <span className="turnout__text">{text}</span>
      <span
        className="turnout__bar"
        role="progressbar"
        aria-label={t('vote.turnoutLabel')}
        aria-valuemin={0}
        aria-valuemax={Math.max(eligible, 1)}
        aria-valuenow={voted}
        aria-valuetext={text}
      >
        <span className="turnout__fill" style={{ width: `${percent(voted, eligible)}%` }} />
      </span>
    </div>
  );
}

/** Time left of a time-limited motion, from the server's clock; the server closes it by itself at zero. */
export function Countdown({ closesAt, testId, className = 'vote-countdown' }: { closesAt: number | null; testId?: string; className?: string }) {
  const t = useT();
  const now = useServerNow(250, closesAt !== null);
  if (closesAt === null) return null;
  const remaining = closesAt - now;
  const label = remaining > 0 ? t('vote.remaining', { time: formatClock(remaining) }) : t('vote.closing');
  return (
    <span className={remaining <= 10_000 ? `${className} ${className}--urgent` : className} role="timer" data-testid={testId} aria-label={label}>
      <Icon name="clock" size={18} />
      {label}
    </span>
  );
}

/** 未开始 / 表决中 / 已结束. */
export function StatusTag({ motion }: { motion: MotionView }) {
  const t = useT();
  return <span className={`vote-status vote-status--${motion.status}`}>{t(`vote.status.${motion.status}`)}</span>;
}

/** How the motion is decided, in one line: kind, ballot, rule, quorum, time limit, changes. */
export function MotionSummary({ definition }: { definition: MotionDefinition }) {
  const t = useT();
  const parts = [
    definition.kind === 'decision'
      ? t('vote.kindShort.decision')
      : definition.maxChoices > 1
        ? t('vote.kindShort.electionMany', { k: definition.maxChoices })
        : t('vote.kindShort.electionOne'),
    t(`vote.ballot.${definition.ballot}`),
    t('vote.ruleShort', { rule: t(majorityKey(definition.majority)) }),
    t('vote.quorumShort', { quorum: t(quorumKey(definition.quorum), { percent: Math.round(definition.quorum * 100) }) }),
    definition.timeLimitMs === null ? null : t('vote.timeShort', { time: formatClock(definition.timeLimitMs) }),
    definition.allowChange ? null : t('vote.noChangeShort'),
  ].filter((part): part is string => part !== null);
  return <p className="vote-summary">{parts.join(' · ')}</p>;
}

/** The quorum shares the create form offers, with their words. */
export const QUORUM_CHOICES = [
  { value: 0.5, key: 'vote.quorum.half' },
  { value: 2 / 3, key: 'vote.quorum.twoThirds' },
  { value: 0, key: 'vote.quorum.none' },
] as const;

function quorumKey(quorum: number): MessageKey {
  const known = QUORUM_CHOICES.find((q) => Math.abs(q.value - quorum) < 1e-6);
  return known ? known.key : 'vote.quorum.other';
}
