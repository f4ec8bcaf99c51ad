import { useId, useState, type SubmitEvent } from 'react';
import { FLOOR_REQUEST_TYPES, can, estimatedWaitMs, type FloorRequestType } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { requestFloor, withdrawRequest } from './actions';
import { typeKey } from './labels';
import { QueueOverview } from './QueueOverview';
import { selectOwnEntry, selectSelfHoldsFloor } from './slice';
import { useServerNow } from './time';

const NOTE_MAX = 200;

/**
 * A member's (or studio's) side of the floor: ask to speak with a type and a topic,
 * see their place and the estimated wait, withdraw. Everyone sees the queue below.
 */
export function MemberFloorPanel() {
  const t = useT();
  const mayRequest = useStore((s) => (s.self ? can(s.self.role, 'floor.request') : false));
  const holds = useStore(selectSelfHoldsFloor);
  const own = useStore(selectOwnEntry);
  return (
    <div className="floor-panel" data-testid="floor-panel">
      {!mayRequest ? (
        <p className="note">{t('floor.cannotRequest')}</p>
      ) : holds ? (
        <p className="note note--ok">{t('floor.youSpeaking')}</p>
      ) : own ? (
        <OwnRequest entryId={own.id} />
      ) : (
        <RequestForm />
      )}
      <QueueOverview />
    </div>
  );
}

function RequestForm() {
  const t = useT();
  const queueOpen = useStore((s) => s.floor?.queueOpen ?? false);
  const [type, setType] = useState<FloorRequestType>('speech');
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const noteId = useId();
  const countId = useId();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (sending || !queueOpen) return;
    setSending(true);
    try {
      if (await requestFloor(type, note.trim())) setNote('');
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="floor-form" onSubmit={(event) => void submit(event)}>
      {!queueOpen && <p className="note note--warn">{t('floor.queueClosed')}</p>}
      <fieldset className="floor-form__types" data-testid="floor-request-type">
        <legend className="field__label">{t('floor.typeLegend')}</legend>
        {FLOOR_REQUEST_TYPES.map((value) => (
          <label key={value} className={value === type ? 'choice choice--checked' : 'choice'}>
            <input type="radio" name="floor-type" value={value} checked={value === type} onChange={() => setType(value)} />
            <span className="choice__text">
              <span className="choice__title">{t(typeKey(value))}</span>
              <span className="choice__hint">{t(`floor.typeHint.${value}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label className="field__label" htmlFor={noteId}>
          {t('floor.note')}
        </label>
        <textarea
          id={noteId}
          className="textarea"
          data-testid="floor-note"
          rows={2}
          maxLength={NOTE_MAX}
          value={note}
          placeholder={t('floor.notePlaceholder')}
          aria-describedby={countId}
          onChange={(event) => setNote(event.target.value)}
        />
        <span id={countId} className="hint floor-form__count">
          {t('floor.noteCount', { count: note.length })}
        </span>
      </div>
      <button type="submit" className="btn btn--primary btn--block" data-testid="floor-request-button" disabled={!queueOpen || sending} aria-busy={sending}>
        <Icon name="hand" size={20} />
        {t(sending ? 'floor.sending' : 'floor.request')}
      </button>
    </form>
  );
}

/** Our place in the queue, the estimated wait, and the way out. */
function OwnRequest({ entryId }: { entryId: string }) {
  const t = useT();
  const floor = useStore((s) => s.floor);
  const [busy, setBusy] = useState(false);
  // The estimate moves with the speaker's clock: a slow tick is plenty for "about N minutes".
  const now = useServerNow(5000);
  if (!floor) return null;
  const index = floor.queue.findIndex((e) => e.id === entryId);
  const entry = floor.queue[index];
  if (!entry) return null;
  const waitMs = estimatedWaitMs(floor, entryId, now) ?? 0;
  const minutes = Math.ceil(waitMs / 60_000);
  const wait = waitMs <= 0 ? t('floor.waitSoon') : waitMs < 60_000 ? t('floor.waitUnderMinute') : t('floor.waitMinutes', { minutes });

  const withdraw = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await withdrawRequest(entryId);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="own-request">
      <p className="own-request__position" data-testid="floor-position" data-position={index + 1}>
        {t('floor.position', { position: index + 1, total: floor.queue.length })}
      </p>
      <p className="own-request__wait">
        <Icon name="clock" size={18} />
        {wait}
      </p>
      <p className="hint">{t('floor.yourRequest', { type: t(typeKey(entry.type)) })}</p>
      {entry.note && <p className="hint own-request__note">{t('floor.yourNote', { note: entry.note })}</p>}
      <button type="button" className="btn btn--block" data-testid="floor-withdraw" aria-busy={busy} onClick={() => void withdraw()}>
        {t('floor.withdraw')}
      </button>
    </div>
  );
}
