import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import type { MotionView } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { castVote } from './actions';
import { choicesLabel, maySend, optionLabel } from './logic';
import { Countdown } from './parts';
import { NO_BALLOT } from './slice';

/**
 * A member's ballot on the open motion, on the stage where it cannot be missed (also on a
 * phone): the motion, big options (one for a decision or a choose-one election, up to k
 * otherwise), submit, then "recorded" once the server has stored it durably, and a change of
 * vote while the motion allows it (a secret ballot always, even while it waits to be sealed).
 * A secret ballot shows no receipt: the device checks it itself after the close.
 */
export function VoteCard({ motion }: { motion: MotionView }) {
  const t = useT();
  const { definition } = motion;
  const id = definition.id;
  const own = useStore((s) => s.voting.mine[id] ?? NO_BALLOT);
  const [changing, setChanging] = useState(false);
  const ref = useRef<HTMLElement>(null);
  const headingId = useId();

  // A new motion: bring the card into view (the stage may be scrolled down to the grid).
  useEffect(() => {
    setChanging(false);
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [id]);

  const showForm = !own.ineligible && (!own.voted || changing);
  return (
    <section ref={ref} className="vote-card" data-testid="vote-card" data-motion-id={id} aria-labelledby={headingId}>
      <div className="vote-card__head">
        <span className="vote-card__kicker">
          <Icon name="ballot" size={20} />
          {t('vote.cardKicker')}
        </span>
        <span className="vote-tag">{t(`vote.ballot.${definition.ballot}`)}</span>
        <Countdown closesAt={motion.closesAt} testId="vote-countdown" />
      </div>
      <h2 id={headingId} className="vote-card__title">
        {definition.title}
      </h2>
      {definition.text && <p className="vote-card__text">{definition.text}</p>}
      <p className="vote-card__note">{t(definition.ballot === 'secret' ? 'vote.secretNote' : 'vote.namedNote')}</p>
      {own.ineligible ? (
        <p className="note note--warn">{t('vote.ineligible')}</p>
      ) : showForm ? (
        <BallotForm
          motion={motion}
          initial={changing ? (own.choices ?? []) : (own.pending?.choices ?? [])}
          onDone={() => setChanging(false)}
          onCancel={changing ? () => setChanging(false) : null}
        />
      ) : (
        <div className="vote-recorded-box">
          <p className="vote-recorded" data-testid="vote-recorded" role="status">
            <Icon name="check" size={24} />
            <span>
              <strong>{t('vote.recorded')}</strong>
              {own.choices ? (
                <span className="vote-recorded__choice">{t('vote.recordedChoice', { choices: choicesLabel(t, definition, own.choices) })}</span>
              ) : (
                <span className="vote-recorded__choice">{t('vote.recordedElsewhere')}</span>
              )}
            </span>
          </p>
          {definition.ballot === 'secret' && own.choices !== null && (
            <p className="hint" data-testid="vote-secret-hint">
              {t('vote.secretRecordedHint')}
            </p>
          )}
          {definition.allowChange ? (
            own.choices !== null || definition.ballot === 'named' ? (
              <button type="button" className="btn btn--block" data-testid="vote-change" onClick={() => setChanging(true)}>
                {t('vote.change')}
              </button>
            ) : null
          ) : (
            <p className="hint">{t('vote.noChange')}</p>
          )}
        </div>
      )}
    </section>
  );
}

function BallotForm({ motion, initial, onDone, onCancel }: { motion: MotionView; initial: string[]; onDone: () => void; onCancel: (() => void) | null }) {
  const t = useT();
  const { definition } = motion;
  const id = definition.id;
  const own = useStore((s) => s.voting.mine[id] ?? NO_BALLOT);
  const [chosen, setChosen] = useState<string[]>(initial);
  const hintId = useId();
  const single = definition.maxChoices === 1;
  const full = chosen.length >= definition.maxChoices;
  const decision = definition.kind === 'decision';
  const secret = definition.ballot === 'secret';
  // A decision needs one of 赞成/反对/弃权; an election may be handed in blank.
  const ready = decision ? chosen.length === 1 : chosen.length <= definition.maxChoices;
  // A secret ballot waiting to be sealed can still be changed: other choices send a new ballot.
  const changeWhileSealing = own.sending && maySend(own, secret, chosen);
  const blocked = !ready || !maySend(own, secret, chosen);

  const toggle = (optionId: string, on: boolean) => {
    if (single) setChosen(on ? [optionId] : []);
    else
      setChosen((current) =>
        on ? (current.includes(optionId) || current.length >= definition.maxChoices ? current : [...current, optionId]) : current.filter((c) => c !== optionId),
      );
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (blocked) return;
    // Keep the options' order, whatever order they were ticked in.
    const choices = definition.options.map((o) => o.id).filter((o) => chosen.includes(o));
    if (await castVote(id, choices)) onDone();
  };

  return (
    <form className="ballot" onSubmit={(event) => void submit(event)}>
      <fieldset className={decision ? 'ballot__options ballot__options--decision' : 'ballot__options'} aria-describedby={hintId}>
        <legend className="visually-hidden">{definition.title}</legend>
        <p id={hintId} className="ballot__hint">
          {single ? t('vote.chooseOneHint') : t('vote.chooseUpToHint', { k: definition.maxChoices, n: chosen.length })}
        </p>
        {definition.options.map((option) => {
          const checked = chosen.includes(option.id);
          const disabled = !single && !checked && full;
          return (
            <label
              key={option.id}
              className={[
                'ballot__option',
                `ballot__option--${option.id}`,
                checked ? 'ballot__option--checked' : '',
                disabled ? 'ballot__option--disabled' : '',
              ]
                .filter(Boolean)
                .join(' ')}
            >
              <input
                type={single ? 'radio' : 'checkbox'}
                name={`ballot-${id}`}
                value={option.id}
                data-testid={`vote-option-${option.id}`}
                checked={checked}
                disabled={disabled}
                onChange={(event) => toggle(option.id, event.target.checked)}
              />
              <span className="ballot__label">{optionLabel(t, definition, option.id)}</span>
            </label>
          );
        })}
      </fieldset>
      {own.sending && secret && (
        <p className="note" role="status" data-testid="vote-sealing">
          {t('vote.sealingNote')}
        </p>
      )}
      {own.unconfirmed && (
        <p className="note note--warn" role="alert">
          {t('vote.unconfirmedNote')}
        </p>
      )}
      <div className="ballot__actions">
        <button
          type="submit"
          className="btn btn--primary btn--vote"
          data-testid="vote-submit"
          aria-disabled={blocked}
          aria-busy={own.sending && !changeWhileSealing}
        >
          <Icon name="check" size={22} />
          {t(
            changeWhileSealing
              ? 'vote.submitChange'
              : own.sending
                ? secret
                  ? 'vote.sealing'
                  : 'vote.sending'
                : own.unconfirmed
                  ? 'vote.resend'
                  : !decision && chosen.length === 0
                    ? 'vote.submitBlank'
                    : onCancel
                      ? 'vote.submitChange'
                      : 'vote.submit',
          )}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('vote.cancelChange')}
          </button>
        )}
      </div>
    </form>
  );
}
