import { useEffect, useId, useRef, useState } from 'react';
import type { MotionView } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { useServerNow } from '../floor/time';
import { describeResult, resultOnStage } from './logic';
import { Countdown, Turnout } from './parts';
import { BallotCheck, ResultDetails } from './ResultDetails';
import { selectLatestClosed, selectMayVote, selectOpenMotion } from './slice';
import { VoteCard } from './VoteCard';

/**
 * Voting on the stage, for everyone: a member's ballot while a motion is open (others see
 * the motion and its turnout), then the announcement of the result once it closes.
 */
export function VotingStage() {
  const open = useStore(selectOpenMotion);
  const mayVote = useStore(selectMayVote);
  const latest = useStore(selectLatestClosed);
  const dismissed = useStore((s) => (latest ? s.voting.dismissed.includes(latest.definition.id) : true));
  const now = useServerNow(5_000, latest !== null);
  const announcement = useAnnouncement(open, latest);
  const fresh = latest !== null && resultOnStage(latest.closedAt, now);

  return (
    <>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {open ? (
        mayVote ? (
          <VoteCard motion={open} />
        ) : (
          <LiveBanner motion={open} />
        )
      ) : latest && fresh && !dismissed ? (
        <ResultAnnouncement motion={latest} />
      ) : null}
    </>
  );
}

/** "Voting has opened: …" and the result when it closes, said once to screen readers (the cards appear silently). */
function useAnnouncement(open: MotionView | null, latest: MotionView | null): string {
  const t = useT();
  const [text, setText] = useState('');
  const openId = open?.definition.id ?? null;
  const closedId = latest?.definition.id ?? null;
  const seen = useRef({ openId, closedId });
  useEffect(() => {
    const before = seen.current;
    seen.current = { openId, closedId };
    if (openId && openId !== before.openId && open) setText(t('vote.announceOpened', { title: open.definition.title }));
    else if (closedId && closedId !== before.closedId && latest?.result) {
      setText(t('vote.announceClosed', { title: latest.definition.title, result: describeResult(t, latest.definition, latest.result).headline }));
    }
  }, [openId, closedId, open, latest, t]);
  return text;
}

/** What non-voters (moderator, observers, studios, clerks) see while a motion is open. */
function LiveBanner({ motion }: { motion: MotionView }) {
  const t = useT();
  return (
    <section className="vote-live" data-testid="vote-live" data-motion-id={motion.definition.id} aria-label={t('vote.liveLabel')}>
      <div className="vote-live__head">
        <span className="vote-card__kicker">
          <Icon name="ballot" size={20} />
          {t('vote.liveKicker')}
        </span>
        <Countdown closesAt={motion.closesAt} />
      </div>
      <p className="vote-live__title">{motion.definition.title}</p>
      <Turnout motion={motion} />
    </section>
  );
}

/** The result, announced to everyone: the sentence with the rule, counts, quorum; a voter's own ballot check. */
function ResultAnnouncement({ motion }: { motion: MotionView }) {
  const t = useT();
  const dismiss = useStore((s) => s.dismissResult);
  const headingId = useId();
  const result = motion.result;
  if (!result) return null;
  const wording = describeResult(t, motion.definition, result);
  return (
    <section
      className={`vote-result vote-result--${wording.verdict}`}
      data-testid={`motion-result-${motion.definition.id}`}
      data-passed={wording.passed}
      data-verdict={wording.verdict}
      aria-labelledby={headingId}
    >
      <div className="vote-result__head">
        <span className="vote-card__kicker">
          <Icon name="ballot" size={20} />
          {t('vote.resultKicker')}
        </span>
        <button
          type="button"
          className="icon-btn"
          data-testid="motion-result-dismiss"
          aria-label={t('vote.dismiss')}
          title={t('vote.dismiss')}
          onClick={() => dismiss(motion.definition.id)}
        >
          <Icon name="close" size={20} />
        </button>
      </div>
      <h2 id={headingId} className="vote-result__title">
        {motion.definition.title}
      </h2>
      <p className="vote-result__headline" role="status">
        <Icon name={wording.passed ? 'check' : 'close'} size={24} />
        <span data-testid="motion-result-sentence">{wording.headline}</span>
      </p>
      <BallotCheck motion={motion} testId="ballot-verified" />
      <ResultDetails motion={motion} result={result} />
    </section>
  );
}
