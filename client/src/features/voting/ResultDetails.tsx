import { useEffect } from 'react';
import { checkOwnBallot, type MotionResult, type MotionView } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { fetchPublished, forgetVerified } from './actions';
import { describeResult, optionLabel, percent } from './logic';

/** Votes per option with bars (elected options marked), blank ballots, then quorum, base, rule and ties in words. */
export function ResultDetails({ motion, result }: { motion: MotionView; result: MotionResult }) {
  const t = useT();
  const { definition } = motion;
  const wording = describeResult(t, definition, result);
  const elected = new Set(result.elected);
  const most = Math.max(1, ...Object.values(result.counts));
  return (
    <div className="vote-details">
      <table className="vote-counts">
        <caption className="visually-hidden">{t('vote.countsCaption')}</caption>
        <tbody>
          {definition.options.map((option) => {
            const count = result.counts[option.id] ?? 0;
            return (
              <tr key={option.id} className={`vote-counts__row vote-counts__row--${option.id}`} data-option-id={option.id} data-count={count}>
                <th scope="row">
                  <span className="vote-counts__label">
                    {optionLabel(t, definition, option.id)}
                    {elected.has(option.id) && <span className="vote-elected">{t('vote.electedTag')}</span>}
                  </span>
                  <span className="vote-counts__bar" aria-hidden="true">
                    <span className="vote-counts__fill" style={{ width: `${percent(count, most)}%` }} />
                  </span>
                </th>
                <td className="num">{t(count === 1 ? 'vote.votesOne' : 'vote.votes', { count })}</td>
              </tr>
            );
          })}
          {definition.kind === 'election' && (
            <tr className="vote-counts__row vote-counts__row--blank">
              <th scope="row">{t('vote.blank')}</th>
              <td className="num">{t(result.blank === 1 ? 'vote.votesOne' : 'vote.votes', { count: result.blank })}</td>
            </tr>
          )}
        </tbody>
      </table>
      <ul className="vote-facts">
        <li>{t(result.ballots === 1 ? 'vote.ballotsLineOne' : 'vote.ballotsLine', { ballots: result.ballots })}</li>
        <li className={result.quorum.met ? undefined : 'vote-facts__warn'}>{wording.quorum}</li>
        <li>{wording.base}</li>
        {wording.rule && <li>{wording.rule}</li>}
        {wording.tie && <li className="vote-facts__warn">{wording.tie}</li>}
      </ul>
    </div>
  );
}

/**
 * After a secret ballot closes: this device checks that the commitment of its last ballot is in
 * the published list and that the result can have counted it (checkOwnBallot). Found counted,
 * the device forgets the ballot (forgetVerified) and says so without naming the choice: nothing
 * on the screen afterwards shows how this member voted. Shown only on the device that voted.
 */
export function BallotCheck({ motion, testId }: { motion: MotionView; testId?: string }) {
  const t = useT();
  const id = motion.definition.id;
  const opening = useStore((s) => s.voting.openings[id]);
  const verified = useStore((s) => s.voting.verified.includes(id));
  const list = useStore((s) => s.voting.published[id]);
  const closed = motion.status === 'closed';
  const check = opening && list?.status === 'loaded' && motion.result ? checkOwnBallot(opening, list.published, motion.result) : null;

  useEffect(() => {
    if (closed && opening && !list) fetchPublished(id);
  }, [closed, opening, list, id]);
  useEffect(() => {
    if (check === 'counted') forgetVerified(id);
  }, [check, id]);

  if (!closed || (!opening && !verified)) return null;
  if (verified || check === 'counted') {
    const count = list?.status === 'loaded' ? list.published.commitments.length : null;
    return (
      <div className="vote-receipt-check vote-receipt-check--ok" data-testid={testId} data-check="counted" aria-live="polite">
        <Icon name="check" size={20} />
        <p className="vote-receipt-check__body">
          <span>{count === null ? t('vote.verify.countedEarlier') : t('vote.verify.counted', { count })}</span>
          <span>{t('vote.verify.forgotten')}</span>
        </p>
      </div>
    );
  }
  if (!list || list.status === 'loading') {
    return (
      <p className="vote-receipt-check" aria-live="polite">
        {t('vote.verify.checking')}
      </p>
    );
  }
  if (list.status === 'failed') {
    return (
      <div className="vote-receipt-check vote-receipt-check--warn" aria-live="polite">
        <p>{t('vote.verify.failed')}</p>
        <button type="button" className="btn btn--small" onClick={() => fetchPublished(id)}>
          <Icon name="refresh" size={18} />
          {t('vote.verify.retry')}
        </button>
      </div>
    );
  }
  return (
    <div className="vote-receipt-check vote-receipt-check--warn" data-testid={testId} data-check={check ?? 'missing'} aria-live="polite">
      <Icon name="close" size={20} />
      <p className="vote-receipt-check__body">
        <span>{t(check === 'inconsistent' ? 'vote.verify.inconsistent' : 'vote.verify.missing')}</span>
      </p>
    </div>
  );
}
