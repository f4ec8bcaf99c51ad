import { useEffect, useId, useState, type SubmitEvent } from 'react';
import { FLOOR_REQUEST_TYPES, type FloorLimits, type FloorRequestType } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { setLimits } from './actions';
import { typeKey } from './labels';
import { formatClock } from './time';

type Unit = 'min' | 'sec';
type Scope = 'item' | 'default';

/** What the server accepts (shared/schemas/floor.ts): limits 10 s – 2 h, grace 0 – 5 min. */
const LIMIT_MIN_MS = 10_000;
const LIMIT_MAX_MS = 7_200_000;
const GRACE_MAX_MS = 300_000;

const perUnit = (unit: Unit) => (unit === 'min' ? 60_000 : 1000);
const show = (ms: number, unit: Unit) => String(Number((ms / perUnit(unit)).toFixed(2)));

function toFields(limits: FloorLimits, unit: Unit): Record<FloorRequestType | 'grace', string> {
  return {
    speech: show(limits.speech, unit),
    reply: show(limits.reply, unit),
    order: show(limits.order, unit),
    grace: String(Math.round(limits.grace / 1000)),
  };
}

/** Time limits per type, in minutes or seconds, with the grace in seconds; for this agenda item or as defaults. */
export function FloorLimitsForm() {
  const t = useT();
  const limits = useStore((s) => s.floor?.limits ?? null);
  const agendaItemId = useStore((s) => s.floor?.agendaItemId ?? null);
  const [unit, setUnit] = useState<Unit>('min');
  const [scope, setScope] = useState<Scope>('item');
  const [fields, setFields] = useState(() => (limits ? toFields(limits, 'min') : null));
  const [dirty, setDirty] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const baseId = useId();

  // Follow the server's limits (another agenda item, another moderator) unless the form is being edited.
  useEffect(() => {
    if (limits && !dirty) setFields(toFields(limits, unit));
  }, [limits, unit, dirty]);

  if (!limits || !fields) return null;

  const changeUnit = (next: Unit) => {
    if (next === unit) return;
    // Convert what is typed, so switching the unit does not change the limits.
    const convert = (value: string) => {
      const number = Number(value);
      return Number.isFinite(number) && value.trim() !== '' ? String(Number(((number * perUnit(unit)) / perUnit(next)).toFixed(2))) : value;
    };
    setFields({ speech: convert(fields.speech), reply: convert(fields.reply), order: convert(fields.order), grace: fields.grace });
    setUnit(next);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed: Partial<FloorLimits> = {};
    let ok = true;
    for (const type of FLOOR_REQUEST_TYPES) {
      const ms = Math.round(Number(fields[type]) * perUnit(unit));
      if (fields[type].trim() === '' || !Number.isFinite(ms) || ms < LIMIT_MIN_MS || ms > LIMIT_MAX_MS) ok = false;
      parsed[type] = ms;
    }
    const grace = Math.round(Number(fields.grace) * 1000);
    if (fields.grace.trim() === '' || !Number.isFinite(grace) || grace < 0 || grace > GRACE_MAX_MS) ok = false;
    parsed.grace = grace;
    setInvalid(!ok);
    if (!ok) return;
    setBusy(true);
    try {
      if (await setLimits(scope === 'item' ? (agendaItemId ?? undefined) : undefined, parsed)) setDirty(false);
    } finally {
      setBusy(false);
    }
  };

  const edit = (key: FloorRequestType | 'grace', value: string) => {
    setDirty(true);
    setFields({ ...fields, [key]: value });
  };

  return (
    <details className="floor-details" data-testid="floor-limits">
      <summary className="floor-details__summary">
        <span className="floor-section__title">{t('floor.limits')}</span>
        <span className="hint">
          {t('floor.limitsCurrent', {
            speech: formatClock(limits.speech, 'down'),
            reply: formatClock(limits.reply, 'down'),
            order: formatClock(limits.order, 'down'),
            grace: Math.round(limits.grace / 1000),
          })}
        </span>
      </summary>
      <form className="limits-form" noValidate onSubmit={(event) => void submit(event)}>
        <fieldset className="segmented">
          <legend className="field__label">{t('floor.limitsScope')}</legend>
          {(['item', 'default'] as const).map((value) => (
            <label key={value} className={scope === value ? 'segmented__opt segmented__opt--on' : 'segmented__opt'}>
              <input type="radio" name={`${baseId}-scope`} value={value} checked={scope === value} onChange={() => setScope(value)} />
              {t(value === 'item' ? 'floor.limitsItem' : 'floor.limitsDefault')}
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend className="field__label">{t('floor.limitsUnit')}</legend>
          {(['min', 'sec'] as const).map((value) => (
            <label key={value} className={unit === value ? 'segmented__opt segmented__opt--on' : 'segmented__opt'}>
              <input type="radio" name={`${baseId}-unit`} value={value} checked={unit === value} onChange={() => changeUnit(value)} />
              {t(value === 'min' ? 'floor.unitMin' : 'floor.unitSec')}
            </label>
          ))}
        </fieldset>
        <div className="limits-form__grid">
          {FLOOR_REQUEST_TYPES.map((type) => (
            <label key={type} className="field">
              <span className="field__label">
                {t(typeKey(type))}（{t(unit === 'min' ? 'floor.unitMin' : 'floor.unitSec')}）
              </span>
              <input
                className="input"
                type="number"
                inputMode="decimal"
                min={unit === 'min' ? 0.5 : 10}
                step={unit === 'min' ? 0.5 : 5}
                data-testid={`limit-${type}`}
                value={fields[type]}
                aria-invalid={invalid}
                onChange={(event) => edit(type, event.target.value)}
              />
            </label>
          ))}
          <label className="field">
            <span className="field__label">{t('floor.limitGrace')}</span>
            <input
              className="input"
              type="number"
              inputMode="numeric"
              min={0}
              max={300}
              step={1}
              data-testid="limit-grace"
              value={fields.grace}
              aria-invalid={invalid}
              onChange={(event) => edit('grace', event.target.value)}
            />
          </label>
        </div>
        {invalid && (
          <p className="note note--warn" role="alert">
            {t('floor.limitsInvalid')}
          </p>
        )}
        <button type="submit" className="btn btn--small btn--primary" data-testid="limits-save" aria-busy={busy}>
          {t('floor.limitsSave')}
        </button>
      </form>
    </details>
  );
}
