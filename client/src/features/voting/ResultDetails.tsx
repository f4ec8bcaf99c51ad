import { useEffect } from 'react';
import type { MotionResult, MotionView } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { fetchPublished } from './actions';
import { choicesLabel, describeResult, findReceipt, optionLabel, percent, sameChoices } from './logic';

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
 * After a secret ballot closes: whether this device's receipt is in the published list, and
 * with the choices it sent. Shown only to a voter who holds a receipt.
 */
export function ReceiptCheck({ motion, testId }: { motion: MotionView; testId?: string }) {
  const t = useT();
  const id = motion.definition.id;
  const receipt = useStore((s) => s.voting.receipts[id]);
  const list = useStore((s) => s.voting.published[id]);
  const mine = useStore((s) => s.voting.mine[id]?.choices ?? null);
  const closed = motion.status === 'closed';

  useEffect(() => {
    if (closed && receipt && !list) fetchPublished(id);
  }, [closed, receipt, list, id]);

  if (!closed || !receipt) return null;
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
  const entry = findReceipt(list.ballots, receipt.hash);
  const matches = entry !== null && (mine === null || sameChoices(entry.choices, mine));
  const choices = entry ? choicesLabel(t, motion.definition, entry.choices) : '';
  return (
    <div
      className={matches ? 'vote-receipt-check vote-receipt-check--ok' : 'vote-receipt-check vote-receipt-check--warn'}
      data-testid={testId}
      data-found={entry !== null}
      data-matches={matches}
      aria-live="polite"
    >
      <Icon name={matches ? 'check' : 'close'} size={20} />
      <p className="vote-receipt-check__body">
        <span>{t(entry === null ? 'vote.verify.missing' : matches ? 'vote.verify.found' : 'vote.verify.mismatch', { count: list.ballots.length })}</span>
        <span>
          {t('vote.verify.code')}
          <span className="vote-receipt-check__code">{receipt.code}</span>
        </span>
        {entry && <span>{t('vote.verify.recordedAs', { choices })}</span>}
      </p>
    </div>
  );
}
