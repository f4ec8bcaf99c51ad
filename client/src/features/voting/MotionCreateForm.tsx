import { useId, useRef, useState, type SubmitEvent } from 'react';
import { BALLOT_TYPES, MAJORITY_RULES, type BallotType, type MajorityRule, type MotionKind } from '@consult/shared';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { createMotion } from './actions';
import { majorityKey } from './logic';
import { QUORUM_CHOICES } from './parts';

/** Time limits offered, in ms (the server takes 10 s – 1 h); 'custom' asks for seconds. */
const TIME_CHOICES = [30_000, 60_000, 120_000, 180_000, 300_000, 600_000, 900_000, 1_800_000] as const;
const TIME_MIN_S = 10;
const TIME_MAX_S = 3600;
const OPTIONS_MAX = 50;

type TimeChoice = 'none' | 'custom' | `${number}`;

/**
 * The moderator's new motion: title and text; a decision (赞成/反对/弃权) or an election
 * with its own options, choose one or up to k; named or secret; the majority rule in plain
 * words; abstentions in the base; quorum; an optional time limit; whether votes may change.
 * Saved as a draft, opened from the list.
 */
export function MotionCreateForm() {
  const t = useT();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [kind, setKind] = useState<MotionKind>('decision');
  const [options, setOptions] = useState<string[]>(['', '']);
  const [maxChoices, setMaxChoices] = useState(1);
  const [ballot, setBallot] = useState<BallotType>('named');
  const [majority, setMajority] = useState<MajorityRule>('simple');
  const [abstentionsInBase, setAbstentionsInBase] = useState(false);
  const [quorumIndex, setQuorumIndex] = useState(0);
  const [time, setTime] = useState<TimeChoice>('none');
  const [customSeconds, setCustomSeconds] = useState('60');
  const [allowChange, setAllowChange] = useState(true);
  const [problem, setProblem] = useState<'title' | 'options' | 'time' | null>(null);
  const [busy, setBusy] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const base = useId();

  // Abstentions matter only to the rules counted on the votes cast.
  const castBase = majority === 'simple' || majority === 'twoThirdsCast';
  const filled = options.map((o) => o.trim()).filter(Boolean);
  const maxAllowed = Math.max(1, filled.length);

  const timeLimitMs = (): number | null | undefined => {
    if (time === 'none') return null;
    if (time !== 'custom') return Number(time);
    const seconds = Number(customSeconds);
    if (customSeconds.trim() === '' || !Number.isFinite(seconds) || seconds < TIME_MIN_S || seconds > TIME_MAX_S) return undefined;
    return Math.round(seconds * 1000);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy) return;
    const limit = timeLimitMs();
    const election = kind === 'election';
    const trouble = !title.trim()
      ? 'title'
      : election && (filled.length < 2 || new Set(filled).size !== filled.length)
        ? 'options'
        : limit === undefined
          ? 'time'
          : null;
    setProblem(trouble);
    if (trouble) {
      if (trouble === 'title') titleRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const created = await createMotion({
        title: title.trim(),
        text: text.trim(),
        ...(election ? { options: filled, maxChoices: Math.min(maxChoices, filled.length) } : { maxChoices: 1 }),
        ballot,
        majority,
        abstentionsInBase: castBase && abstentionsInBase,
        quorum: QUORUM_CHOICES[quorumIndex]?.value ?? 0.5,
        timeLimitMs: limit ?? null,
        // A secret ballot can always be changed until the close (see vote.allowChangeSecret).
        allowChange: ballot === 'secret' || allowChange,
      });
      if (created) {
        setTitle('');
        setText('');
        setOptions(['', '']);
        setMaxChoices(1);
      }
    } finally {
      setBusy(false);
    }
  };

  const setOption = (index: number, value: string) => setOptions((current) => current.map((o, i) => (i === index ? value : o)));
  const removeOption = (index: number) => setOptions((current) => (current.length <= 2 ? current : current.filter((_, i) => i !== index)));

  return (
    <details className="floor-details vote-create" open data-testid="motion-create">
      <summary className="floor-details__summary">
        <span className="floor-section__title">{t('vote.create')}</span>
      </summary>
      <form className="vote-form" noValidate onSubmit={(event) => void submit(event)}>
        <label className="field">
          <span className="field__label">{t('vote.titleLabel')}</span>
          <input
            ref={titleRef}
            className="input"
            data-testid="motion-create-title"
            maxLength={200}
            value={title}
            placeholder={t('vote.titlePlaceholder')}
            aria-invalid={problem === 'title'}
            onChange={(event) => setTitle(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('vote.textLabel')}</span>
          <textarea
            className="textarea"
            data-testid="motion-create-text"
            rows={3}
            maxLength={5000}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </label>

        <fieldset className="segmented" data-testid="motion-create-kind">
          <legend className="field__label">{t('vote.kindLabel')}</legend>
          {(['decision', 'election'] as const).map((value) => (
            <label key={value} className={kind === value ? 'segmented__opt segmented__opt--on' : 'segmented__opt'}>
              <input
                type="radio"
                name={`${base}-kind`}
                value={value}
                data-testid={`motion-create-kind-${value}`}
                checked={kind === value}
                onChange={() => setKind(value)}
              />
              {t(`vote.kind.${value}`)}
            </label>
          ))}
        </fieldset>

        {kind === 'election' && (
          <fieldset className="vote-form__options">
            <legend className="field__label">{t('vote.optionsLabel')}</legend>
            <ol className="vote-form__option-list">
              {options.map((option, index) => (
                <li key={index} className="vote-form__option">
                  <input
                    className="input"
                    data-testid={`motion-create-option-${index}`}
                    aria-label={t('vote.optionN', { n: index + 1 })}
                    maxLength={100}
                    value={option}
                    aria-invalid={problem === 'options'}
                    onChange={(event) => setOption(index, event.target.value)}
                  />
                  <button
                    type="button"
                    className="icon-btn icon-btn--bordered"
                    aria-label={t('vote.optionRemove', { n: index + 1 })}
                    title={t('vote.optionRemove', { n: index + 1 })}
                    aria-disabled={options.length <= 2}
                    onClick={() => removeOption(index)}
                  >
                    <Icon name="close" size={18} />
                  </button>
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="btn btn--small"
              data-testid="motion-create-option-add"
              aria-disabled={options.length >= OPTIONS_MAX}
              onClick={() => options.length < OPTIONS_MAX && setOptions((current) => [...current, ''])}
            >
              <Icon name="plus" size={18} />
              {t('vote.optionAdd')}
            </button>
            <label className="field">
              <span className="field__label">{t('vote.maxChoicesLabel')}</span>
              <select
                className="select"
                data-testid="motion-create-max"
                value={Math.min(maxChoices, maxAllowed)}
                onChange={(event) => setMaxChoices(Number(event.target.value))}
              >
                {Array.from({ length: maxAllowed }, (_, i) => i + 1).map((k) => (
                  <option key={k} value={k}>
                    {k === 1 ? t('vote.chooseOne') : t('vote.chooseUpTo', { k })}
                  </option>
                ))}
              </select>
            </label>
          </fieldset>
        )}

        <div className="vote-form__grid">
          <label className="field">
            <span className="field__label">{t('vote.ballotLabel')}</span>
            <select className="select" data-testid="motion-create-ballot" value={ballot} onChange={(event) => setBallot(event.target.value as BallotType)}>
              {BALLOT_TYPES.map((value) => (
                <option key={value} value={value}>
                  {t(`vote.ballot.${value}`)}
                </option>
              ))}
            </select>
            <span className="hint">{t(`vote.ballotHint.${ballot}`)}</span>
          </label>
          <label className="field">
            <span className="field__label">{t('vote.majorityLabel')}</span>
            <select
              className="select"
              data-testid="motion-create-majority"
              value={majority}
              onChange={(event) => setMajority(event.target.value as MajorityRule)}
            >
              {MAJORITY_RULES.map((value) => (
                <option key={value} value={value}>
                  {t(majorityKey(value))}
                </option>
              ))}
            </select>
            <span className="hint">{t(`vote.majorityHint.${majority}`)}</span>
          </label>
          <label className="field">
            <span className="field__label">{t('vote.quorumLabel')}</span>
            <select className="select" data-testid="motion-create-quorum" value={quorumIndex} onChange={(event) => setQuorumIndex(Number(event.target.value))}>
              {QUORUM_CHOICES.map((choice, index) => (
                <option key={choice.key} value={index}>
                  {t(choice.key)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('vote.timeLabel')}</span>
            <select className="select" data-testid="motion-create-time" value={time} onChange={(event) => setTime(event.target.value as TimeChoice)}>
              <option value="none">{t('vote.timeNone')}</option>
              {TIME_CHOICES.map((ms) => (
                <option key={ms} value={String(ms)}>
                  {ms < 60_000 ? t('vote.timeSeconds', { n: ms / 1000 }) : t('vote.timeMinutes', { n: ms / 60_000 })}
                </option>
              ))}
              <option value="custom">{t('vote.timeCustom')}</option>
            </select>
          </label>
          {time === 'custom' && (
            <label className="field">
              <span className="field__label">{t('vote.timeCustomLabel')}</span>
              <input
                className="input"
                type="number"
                inputMode="numeric"
                min={TIME_MIN_S}
                max={TIME_MAX_S}
                step={1}
                data-testid="motion-create-time-custom"
                value={customSeconds}
                aria-invalid={problem === 'time'}
                onChange={(event) => setCustomSeconds(event.target.value)}
              />
            </label>
          )}
        </div>

        {castBase && (
          <label className="check">
            <input
              type="checkbox"
              data-testid="motion-create-abstentions"
              checked={abstentionsInBase}
              onChange={(event) => setAbstentionsInBase(event.target.checked)}
            />
            <span>
              {t(kind === 'decision' ? 'vote.abstentionsInBase' : 'vote.blankInBase')}
              <span className="hint check__hint">{t(kind === 'decision' ? 'vote.abstentionsInBaseHint' : 'vote.blankInBaseHint')}</span>
            </span>
          </label>
        )}
        <label className="check">
          <input
            type="checkbox"
            data-testid="motion-create-allow-change"
            checked={ballot === 'secret' || allowChange}
            disabled={ballot === 'secret'}
            onChange={(event) => setAllowChange(event.target.checked)}
          />
          <span>
            {t('vote.allowChange')}
            {ballot === 'secret' && <span className="hint check__hint">{t('vote.allowChangeSecret')}</span>}
          </span>
        </label>

        {problem && (
          <p className="note note--warn" role="alert">
            {t(problem === 'title' ? 'vote.invalidTitle' : problem === 'options' ? 'vote.invalidOptions' : 'vote.invalidTime')}
          </p>
        )}
        <button type="submit" className="btn btn--primary btn--block" data-testid="motion-create-submit" aria-busy={busy}>
          <Icon name="plus" size={20} />
          {t('vote.createSubmit')}
        </button>
      </form>
    </details>
  );
}
