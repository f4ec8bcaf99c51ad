import { useEffect, useId, useMemo, useRef, useState, type DragEvent, type SubmitEvent, type KeyboardEvent } from 'react';
import { can, type PresentParticipant, type QueueEntry } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { orderParticipants } from '../participants/slice';
import { addToQueue, advanceAgenda, endSpeech, extendSpeech, grantFloor, pauseSpeech, rejectEntry, reorderEntry, resumeSpeech, setQueueOpen } from './actions';
import { FloorLimitsForm } from './FloorLimitsForm';
import { FloorStats } from './FloorStats';
import { typeKey, useAgendaLabel, usePerson } from './labels';
import { selectName } from './slice';
import { formatClock, useServerNow } from './time';

const NO_QUEUE: QueueEntry[] = [];
const EXTEND_MS = 60_000;

/**
 * The chair's floor control: the agenda item, the current speech (end, pause, extend),
 * the queue (give the floor, decline, reorder by dragging or by keyboard, add someone),
 * the floor given directly (a studio), time limits, and the speaking record by site.
 */
export function ModeratorFloorPanel() {
  return (
    <div className="floor-panel floor-panel--moderator" data-testid="queue-panel">
      <AgendaControls />
      <SpeechControls />
      <QueueControls />
      <DirectGrant />
      <FloorLimitsForm />
      <FloorStats />
    </div>
  );
}

/** Runs an action once at a time per button, so a double click sends one request. */
function useBusy(): [boolean, (action: () => Promise<unknown>) => void] {
  const [busy, setBusy] = useState(false);
  const running = useRef(false);
  const run = (action: () => Promise<unknown>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    void action().finally(() => {
      running.current = false;
      setBusy(false);
    });
  };
  return [busy, run];
}

function AgendaControls() {
  const t = useT();
  const label = useAgendaLabel();
  const isLast = useStore((s) => {
    const agenda = s.consultation?.agenda ?? [];
    const index = agenda.findIndex((item) => item.id === s.floor?.agendaItemId);
    return index < 0 || index >= agenda.length - 1;
  });
  const [busy, run] = useBusy();
  return (
    <section className="floor-section floor-section--agenda" aria-label={t('floor.agendaNext')}>
      <p className="floor-agenda">{label}</p>
      <button
        type="button"
        className="btn btn--small"
        data-testid="agenda-next"
        aria-disabled={isLast || busy}
        title={t(isLast ? 'floor.agendaLast' : 'floor.agendaNextHint')}
        onClick={() => !isLast && run(advanceAgenda)}
      >
        <Icon name="next" size={18} />
        {t('floor.agendaNext')}
      </button>
    </section>
  );
}

function SpeechControls() {
  const t = useT();
  const speech = useStore((s) => s.floor?.speech ?? null);
  const { name, siteName } = usePerson(speech?.participantId ?? '');
  const [busy, run] = useBusy();
  if (!speech) return null;
  const paused = speech.runningSince === null;
  const open = speech.limitMs === null;
  return (
    <section className="floor-section speech-ctl" aria-labelledby="speech-ctl-title">
      <h3 id="speech-ctl-title" className="floor-section__title">
        {t('floor.currentSpeech')}
      </h3>
      <p className="speech-ctl__who">
        <strong>{name}</strong>
        {siteName && <span className="qentry__site">{siteName}</span>}
        <span className={`type-tag type-tag--${speech.type}`}>{t(typeKey(speech.type))}</span>
      </p>
      {speech.note && <p className="qentry__note">{speech.note}</p>}
      <div className="btn-row">
        <button type="button" className="btn btn--small btn--danger" data-testid="end-speech" aria-busy={busy} onClick={() => run(() => endSpeech(speech.id))}>
          <Icon name="stop" size={18} />
          {t('floor.endSpeech')}
        </button>
        {paused ? (
          <button type="button" className="btn btn--small" data-testid="resume-countdown" onClick={() => run(() => resumeSpeech(speech.id))}>
            <Icon name="play" size={18} />
            {t('floor.resume')}
          </button>
        ) : (
          <button type="button" className="btn btn--small" data-testid="pause-countdown" onClick={() => run(() => pauseSpeech(speech.id))}>
            <Icon name="pause" size={18} />
            {t('floor.pause')}
          </button>
        )}
        <button
          type="button"
          className="btn btn--small"
          data-testid="extend-speech"
          aria-disabled={open}
          title={open ? t('floor.noLimit') : undefined}
          onClick={() => !open && run(() => extendSpeech(speech.id, EXTEND_MS))}
        >
          <Icon name="plus" size={18} />
          {t('floor.extend')}
        </button>
      </div>
    </section>
  );
}

function QueueControls() {
  const t = useT();
  const queue = useStore((s) => s.floor?.queue ?? NO_QUEUE);
  const queueOpen = useStore((s) => s.floor?.queueOpen ?? false);
  const now = useServerNow(1000, queue.length > 0);
  const [announcement, setAnnouncement] = useState('');
  const [dragId, setDragId] = useState<string | null>(null);
  const [dropIndex, setDropIndex] = useState<number | null>(null);
  const [busy, run] = useBusy();
  const listRef = useRef<HTMLOListElement>(null);
  /** The control to focus again once the reordered queue is drawn (React may move the focused row). */
  const refocus = useRef<string | null>(null);
  const hintId = useId();

  useEffect(() => {
    const testId = refocus.current;
    if (!testId) return;
    refocus.current = null;
    listRef.current?.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.focus();
  }, [queue]);

  const move = (entry: QueueEntry, toIndex: number, focusTestId: string | null) => {
    if (toIndex < 0 || toIndex >= queue.length || queue[toIndex]?.id === entry.id) return;
    refocus.current = focusTestId;
    void reorderEntry(entry.id, toIndex).then((ok) => {
      const name = selectName(useStore.getState(), entry.participantId) ?? t('floor.unknownPerson');
      if (ok) setAnnouncement(t('floor.moved', { name, position: toIndex + 1 }));
    });
  };

  const endDrag = () => {
    setDragId(null);
    setDropIndex(null);
  };

  return (
    <section className="floor-section" aria-labelledby="queue-title">
      <div className="floor-section__head">
        <h3 id="queue-title" className="floor-section__title">
          {t('floor.queueTitle', { count: queue.length })}
        </h3>
        <button
          type="button"
          role="switch"
          className="switch"
          data-testid="queue-open-toggle"
          aria-checked={queueOpen}
          onClick={() => run(() => setQueueOpen(!queueOpen))}
        >
          <span className="switch__track" aria-hidden="true">
            <span className="switch__thumb" />
          </span>
          <span>{t('floor.queueOpen')}</span>
        </button>
      </div>
      <button
        type="button"
        className="btn btn--primary btn--block"
        data-testid="grant-next"
        aria-disabled={queue.length === 0 || busy}
        onClick={() => queue.length > 0 && run(() => grantFloor())}
      >
        <Icon name="next" size={20} />
        {t('floor.grantNext')}
      </button>
      {queue.length === 0 ? (
        <p className="hint floor-section__empty">{t('floor.queueEmpty')}</p>
      ) : (
        <>
          <p id={hintId} className="hint">
            {t('floor.reorderHint')}
          </p>
          <ol ref={listRef} className="qlist">
            {queue.map((entry, index) => (
              <QueueRow
                key={entry.id}
                entry={entry}
                index={index}
                count={queue.length}
                now={now}
                hintId={hintId}
                dragging={dragId === entry.id}
                dropTarget={dropIndex === index && dragId !== null && dragId !== entry.id}
                onMove={move}
                onDragStart={() => setDragId(entry.id)}
                onDragOver={() => setDropIndex(index)}
                onDrop={() => {
                  const dragged = queue.find((e) => e.id === dragId);
                  endDrag();
                  if (dragged) move(dragged, index, null);
                }}
                onDragEnd={endDrag}
              />
            ))}
          </ol>
        </>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <AddToQueue />
    </section>
  );
}

interface QueueRowProps {
  entry: QueueEntry;
  index: number;
  count: number;
  now: number;
  hintId: string;
  dragging: boolean;
  dropTarget: boolean;
  onMove: (entry: QueueEntry, toIndex: number, focusTestId: string | null) => void;
  onDragStart: () => void;
  onDragOver: () => void;
  onDrop: () => void;
  onDragEnd: () => void;
}

function QueueRow({ entry, index, count, now, hintId, dragging, dropTarget, onMove, onDragStart, onDragOver, onDrop, onDragEnd }: QueueRowProps) {
  const t = useT();
  const { name, siteName } = usePerson(entry.participantId);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, run] = useBusy();
  const reasonId = useId();
  const first = index === 0;
  const last = index === count - 1;
  const rowId = `queue-entry-${entry.id}`;
  const type = t(typeKey(entry.type));

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    if (event.target instanceof HTMLInputElement) return;
    event.preventDefault();
    const up = event.key === 'ArrowUp';
    // Keep focus where it was: on the row, or on the button pressed before.
    const focused = event.target instanceof HTMLElement ? (event.target.dataset.testid ?? rowId) : rowId;
    onMove(entry, index + (up ? -1 : 1), focused);
  };

  const reject = (event: SubmitEvent) => {
    event.preventDefault();
    run(async () => {
      if (await rejectEntry(entry.id, reason.trim())) setRejecting(false);
    });
  };

  const classes = ['qentry', dragging ? 'qentry--dragging' : '', dropTarget ? 'qentry--drop' : ''].filter(Boolean).join(' ');
  return (
    <li
      className={classes}
      data-testid={rowId}
      data-participant-id={entry.participantId}
      tabIndex={0}
      draggable={!rejecting}
      aria-label={t('floor.entryLabel', { position: index + 1, name, site: siteName ?? '', type })}
      aria-describedby={hintId}
      onKeyDown={onKeyDown}
      onDragStart={(event: DragEvent<HTMLLIElement>) => {
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', entry.id);
        onDragStart();
      }}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        onDragOver();
      }}
      onDrop={(event) => {
        event.preventDefault();
        onDrop();
      }}
      onDragEnd={onDragEnd}
    >
      <div className="qentry__head">
        <span className="qentry__grip" aria-hidden="true">
          <Icon name="grip" size={18} />
        </span>
        <span className="qentry__pos" aria-hidden="true">
          {index + 1}
        </span>
        <span className="qentry__who">
          <span className="qentry__name">{name}</span>
          {siteName && <span className="qentry__site">{siteName}</span>}
        </span>
        <span className={`type-tag type-tag--${entry.type}`}>{type}</span>
      </div>
      {entry.note && <p className="qentry__note">{entry.note}</p>}
      <p className="qentry__wait">
        <Icon name="clock" size={16} />
        {t('floor.waited', { time: formatClock(now - entry.requestedAt, 'down') })}
      </p>
      <div className="qentry__actions">
        <button
          type="button"
          className="btn btn--small btn--primary"
          data-testid={`grant-entry-${entry.id}`}
          aria-label={t('floor.grantTo', { name })}
          aria-busy={busy}
          onClick={() => run(() => grantFloor({ entryId: entry.id }))}
        >
          {t('floor.grant')}
        </button>
        <button
          type="button"
          className="icon-btn icon-btn--bordered"
          data-testid={`move-up-${entry.id}`}
          aria-label={t('floor.moveUp', { name })}
          title={t('floor.moveUp', { name })}
          aria-disabled={first}
          onClick={() => onMove(entry, index - 1, `move-up-${entry.id}`)}
        >
          <Icon name="arrowUp" size={18} />
        </button>
        <button
          type="button"
          className="icon-btn icon-btn--bordered"
          data-testid={`move-down-${entry.id}`}
          aria-label={t('floor.moveDown', { name })}
          title={t('floor.moveDown', { name })}
          aria-disabled={last}
          onClick={() => onMove(entry, index + 1, `move-down-${entry.id}`)}
        >
          <Icon name="arrowDown" size={18} />
        </button>
        <button
          type="button"
          className="btn btn--small btn--quiet"
          data-testid={`reject-entry-${entry.id}`}
          aria-label={t('floor.rejectTo', { name })}
          aria-expanded={rejecting}
          onClick={() => setRejecting((open) => !open)}
        >
          {t('floor.reject')}
        </button>
      </div>
      {rejecting && (
        <form className="qentry__reject" onSubmit={reject}>
          <label className="field__label" htmlFor={reasonId}>
            {t('floor.rejectReason')}
          </label>
          <input
            id={reasonId}
            className="input"
            data-testid={`reject-reason-${entry.id}`}
            maxLength={200}
            value={reason}
            autoFocus
            onChange={(event) => setReason(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                setRejecting(false);
              }
            }}
          />
          <div className="btn-row">
            <button type="submit" className="btn btn--small btn--danger" data-testid={`reject-confirm-${entry.id}`} aria-busy={busy}>
              {t('floor.rejectConfirm')}
            </button>
            <button type="button" className="btn btn--small" onClick={() => setRejecting(false)}>
              {t('floor.cancel')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/** Members and studios present who may take the floor, in display order (studios first), minus `excluded`. */
function useEligible(excluded: ReadonlySet<string>): PresentParticipant[] {
  const participants = useStore((s) => s.participants);
  return useMemo(
    () => orderParticipants(Object.values(participants)).filter((p) => can(p.role, 'floor.request') && !excluded.has(p.id)),
    [participants, excluded],
  );
}

function PersonOption({ participant }: { participant: PresentParticipant }) {
  const t = useT();
  const siteName = useStore((s) => s.consultation?.sites.find((site) => site.id === participant.siteId)?.name);
  return (
    <option value={participant.id}>
      {participant.name}
      {siteName ? ` · ${siteName}` : ''}
      {participant.role === 'studio' ? ` · ${t('role.studio')}` : ''}
    </option>
  );
}

/** The moderator adds someone to the queue (a member who asked in the room, say). */
function AddToQueue() {
  const t = useT();
  const queue = useStore((s) => s.floor?.queue ?? NO_QUEUE);
  const holder = useStore((s) => s.floor?.speech?.participantId ?? null);
  const excluded = useMemo(() => new Set([...queue.map((e) => e.participantId), ...(holder ? [holder] : [])]), [queue, holder]);
  const eligible = useEligible(excluded);
  const [chosen, setChosen] = useState('');
  const [busy, run] = useBusy();
  const selectId = useId();
  const value = eligible.some((p) => p.id === chosen) ? chosen : '';

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!value) return;
    run(async () => {
      if (await addToQueue(value)) setChosen('');
    });
  };

  return (
    <form className="floor-pick" onSubmit={submit}>
      <label className="field__label" htmlFor={selectId}>
        {t('floor.addToQueueLabel')}
      </label>
      <div className="floor-pick__row">
        <select id={selectId} className="select" data-testid="add-to-queue" value={value} onChange={(event) => setChosen(event.target.value)}>
          <option value="">{t('floor.choose')}</option>
          {eligible.map((p) => (
            <PersonOption key={p.id} participant={p} />
          ))}
        </select>
        <button type="submit" className="btn btn--small" data-testid="add-to-queue-button" aria-disabled={!value || busy}>
          <Icon name="plus" size={18} />
          {t('floor.addToQueue')}
        </button>
      </div>
    </form>
  );
}

/** The floor given without a queue entry: a studio speaks for its venue, with an open floor by default. */
function DirectGrant() {
  const t = useT();
  const holder = useStore((s) => s.floor?.speech?.participantId ?? null);
  const excluded = useMemo(() => new Set(holder ? [holder] : []), [holder]);
  const eligible = useEligible(excluded);
  const [chosen, setChosen] = useState('');
  const [busy, run] = useBusy();
  const selectId = useId();
  const hintId = useId();
  const value = eligible.some((p) => p.id === chosen) ? chosen : '';

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!value) return;
    run(async () => {
      if (await grantFloor({ participantId: value })) setChosen('');
    });
  };

  return (
    <section className="floor-section" aria-labelledby={`${selectId}-title`}>
      <h3 id={`${selectId}-title`} className="floor-section__title">
        {t('floor.grantDirectLabel')}
      </h3>
      <form className="floor-pick" onSubmit={submit}>
        <p id={hintId} className="hint">
          {t('floor.grantDirectHint')}
        </p>
        <div className="floor-pick__row">
          <select
            id={selectId}
            className="select"
            data-testid="grant-direct"
            aria-label={t('floor.grantDirectLabel')}
            aria-describedby={hintId}
            value={value}
            onChange={(event) => setChosen(event.target.value)}
          >
            <option value="">{t('floor.choose')}</option>
            {eligible.map((p) => (
              <PersonOption key={p.id} participant={p} />
            ))}
          </select>
          <button type="submit" className="btn btn--small" data-testid="grant-direct-button" aria-disabled={!value || busy}>
            {t('floor.grantDirect')}
          </button>
        </div>
      </form>
    </section>
  );
}
