import { useEffect, useMemo, useRef, useState, type SubmitEvent, type KeyboardEvent } from 'react';
import type { AgendaItem, Participant, Site, TranscriptGap, TranscriptSegment } from '@consult/shared';
import { useStore } from '../../store';
import { roleKey, useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { typeKey } from '../floor/labels';
import { addOffFloorEntry, editSegment, playClip, stopClip } from './actions';
import { formatTime, groupTranscript, isEdited, speechEntries, type AgendaGroup, type SpeechGroup } from './logic';
import { selectEditsMinutes } from './slice';
import './transcript.css';

const NO_AGENDA: AgendaItem[] = [];
const NO_SITES: Site[] = [];

/** Names for the ids in the edit history (the clerk, usually), from the roster of the consultation. */
function useNameOf(): (participantId: string) => string {
  const t = useT();
  const invited = useStore((s) => s.transcript.invited);
  const participants = useStore((s) => s.participants);
  return useMemo(() => {
    const names = new Map(invited.map((p) => [p.id, p.name]));
    return (id: string) => names.get(id) ?? participants[id]?.name ?? t('floor.unknownPerson');
  }, [invited, participants, t]);
}

/**
 * The running transcript by agenda item and speech (speaker, site, time). For the clerk
 * every segment is a text box (saved with Ctrl+Enter or its button), with its audio, its
 * edit history, and the gaps where recognition stopped; the moderator reads it.
 */
export function TranscriptPanel({ showOffFloor = true }: { showOffFloor?: boolean }) {
  const t = useT();
  const editor = useStore(selectEditsMinutes);
  const loaded = useStore((s) => s.transcript.loaded);
  const segments = useStore((s) => s.transcript.segments);
  const gaps = useStore((s) => s.transcript.gaps);
  const agenda = useStore((s) => s.consultation?.agenda ?? NO_AGENDA);
  const status = useStore((s) => s.transcript.minutes?.status ?? 'draft');
  const groups = useMemo(() => groupTranscript(segments, gaps, agenda), [segments, gaps, agenda]);
  const locked = status === 'submitted';

  useEffect(() => stopClip, []);

  return (
    <section className="transcript" data-testid="transcript-panel" aria-label={t('transcript.title')}>
      {editor && locked && <p className="note note--warn">{t('transcript.locked')}</p>}
      {editor && status === 'approved' && <p className="note">{t('transcript.lockedApproved')}</p>}
      {!editor && <p className="hint">{t('transcript.readOnly')}</p>}
      {editor && showOffFloor && <OffFloorForm disabled={locked} />}
      {!loaded ? (
        <p className="hint">{t('transcript.loading')}</p>
      ) : groups.length === 0 ? (
        <p className="hint transcript__empty">{t('transcript.empty')}</p>
      ) : (
        groups.map((group) => <AgendaSection key={group.agendaItemId} group={group} agendaLength={agenda.length} editable={editor && !locked} />)
      )}
    </section>
  );
}

function AgendaSection({ group, agendaLength, editable }: { group: AgendaGroup; agendaLength: number; editable: boolean }) {
  const t = useT();
  const title = group.title
    ? t('transcript.agendaItem', { n: group.index + 1, title: group.title })
    : agendaLength === 0
      ? t('floor.agendaGeneral')
      : t('transcript.agendaOther');
  return (
    <section className="transcript__item" aria-label={title}>
      <h3 className="transcript__item-title">{title}</h3>
      <ol className="transcript__speeches">
        {group.speeches.map((speech) => (
          <SpeechBlock key={speech.key} speech={speech} editable={editable} />
        ))}
      </ol>
    </section>
  );
}

function SpeechBlock({ speech, editable }: { speech: SpeechGroup; editable: boolean }) {
  const t = useT();
  const siteName = useStore((s) => s.consultation?.sites.find((site) => site.id === speech.siteId)?.name ?? null);
  const floorSpeech = useStore((s) =>
    speech.speechId ? ([s.floor?.speech, ...(s.floorReport?.speeches ?? [])].find((x) => x?.id === speech.speechId) ?? null) : null,
  );
  const live = useStore((s) => speech.speechId !== null && s.floor?.speech?.id === speech.speechId);
  const entries = speechEntries(speech);
  return (
    <li className={`transcript__speech${speech.offFloor ? ' transcript__speech--off' : ''}`} data-testid={`speech-${speech.key}`}>
      <p className="transcript__speaker">
        <strong>{speech.name}</strong>
        {siteName && <span className="transcript__site">{siteName}</span>}
        {speech.offFloor ? (
          <span className="type-tag transcript__off">{t('transcript.offFloor')}</span>
        ) : (
          floorSpeech && <span className={`type-tag type-tag--${floorSpeech.type}`}>{t(typeKey(floorSpeech.type))}</span>
        )}
        <time className="transcript__time" dateTime={new Date(speech.startedAt).toISOString()}>
          {formatTime(speech.startedAt)}
        </time>
        {live && <span className="badge badge--floor">{t('transcript.live')}</span>}
      </p>
      <ol className="transcript__segments">
        {entries.map((entry) =>
          entry.kind === 'segment' ? (
            <SegmentRow key={entry.segment.id} segment={entry.segment} editable={editable} />
          ) : (
            <GapRow key={`gap-${entry.gap.at}`} gap={entry.gap} />
          ),
        )}
      </ol>
    </li>
  );
}

function GapRow({ gap }: { gap: TranscriptGap }) {
  const t = useT();
  return (
    <li className="transcript__gap" data-testid="transcript-gap" role="note">
      <strong>{t('transcript.gap')}</strong>
      <span>{t('transcript.gapDetail', { time: formatTime(gap.at), reason: gap.reason || '—' })}</span>
    </li>
  );
}

function SegmentRow({ segment, editable }: { segment: TranscriptSegment; editable: boolean }) {
  const t = useT();
  const nameOf = useNameOf();
  const [text, setText] = useState(segment.text);
  const [saving, setSaving] = useState(false);
  const [justSaved, setJustSaved] = useState(false);
  // The text this box started from: a correction arriving from the server replaces it unless the clerk is typing.
  const base = useRef(segment.text);
  useEffect(() => {
    if (segment.text === base.current) return;
    setText((current) => (current === base.current ? segment.text : current));
    base.current = segment.text;
  }, [segment.text]);
  useEffect(() => {
    if (!justSaved) return;
    const timer = window.setTimeout(() => setJustSaved(false), 2500);
    return () => window.clearTimeout(timer);
  }, [justSaved]);

  const dirty = text.trim() !== segment.text.trim();
  const edited = isEdited(segment);
  const time = formatTime(segment.startedAt);
  const last = segment.edits[segment.edits.length - 1];

  const save = async () => {
    if (!dirty || saving || !editable) return;
    setSaving(true);
    const ok = await editSegment(segment.id, text.trim());
    setSaving(false);
    if (ok) {
      base.current = text.trim();
      setText(text.trim());
      setJustSaved(true);
    }
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save();
    } else if (event.key === 'Escape' && dirty) {
      // Back to the stored text (the side panel's Escape closes the drawer only when nothing is being undone).
      event.stopPropagation();
      setText(segment.text);
    }
  };

  return (
    <li className={`seg${dirty ? ' seg--dirty' : ''}`} data-testid={`segment-${segment.id}`} data-edited={edited ? 'true' : 'false'}>
      <div className="seg__meta">
        <time dateTime={new Date(segment.startedAt).toISOString()}>{time}</time>
        {edited && <span className="badge seg__edited">{t('transcript.segment.edited')}</span>}
        {edited && last && <span className="seg__last">{t('transcript.history.last', { name: nameOf(last.by), time: formatTime(last.at) })}</span>}
        {segment.hasClip && <PlayButton segmentId={segment.id} time={time} />}
      </div>
      {editable ? (
        <div className="seg__edit">
          <textarea
            className="textarea seg__text"
            data-testid={`segment-edit-${segment.id}`}
            aria-label={t('transcript.segment.editLabel', { name: segment.name, time })}
            aria-describedby={`seg-hint-${segment.id}`}
            placeholder={t('transcript.segment.noText')}
            rows={Math.min(8, Math.max(2, Math.ceil(text.length / 40)))}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKey}
          />
          <div className="seg__actions">
            <span id={`seg-hint-${segment.id}`} className="hint">
              {dirty
                ? `${t('transcript.segment.unsaved')} · ${t('transcript.segment.saveHint')}`
                : justSaved
                  ? t('transcript.segment.saved')
                  : t('transcript.segment.saveHint')}
            </span>
            <button
              type="button"
              className="btn btn--small btn--primary"
              data-testid={`segment-save-${segment.id}`}
              disabled={!dirty || saving}
              aria-busy={saving}
              onClick={() => void save()}
            >
              <Icon name="check" size={18} />
              {t('transcript.segment.save')}
            </button>
          </div>
        </div>
      ) : (
        <p className={`seg__read${segment.text ? '' : ' seg__read--empty'}`}>{segment.text || t('transcript.segment.noText')}</p>
      )}
      {(edited || (segment.offFloor && segment.edits.length > 0)) && <History segment={segment} nameOf={nameOf} />}
    </li>
  );
}

function History({ segment, nameOf }: { segment: TranscriptSegment; nameOf: (id: string) => string }) {
  const t = useT();
  const entries = [
    ...(segment.offFloor ? [] : [{ key: 'recognised', label: t('transcript.history.recognised'), text: segment.recognised }]),
    ...segment.edits.map((edit, index) => ({
      key: `${edit.at}-${index}`,
      label: t(segment.offFloor && index === 0 ? 'transcript.history.entered' : 'transcript.history.edit', {
        name: nameOf(edit.by),
        time: formatTime(edit.at),
      }),
      text: edit.text,
    })),
  ];
  return (
    <details className="seg__history" data-testid={`segment-history-${segment.id}`}>
      <summary>{t('transcript.history.summary', { count: segment.edits.length })}</summary>
      <ol>
        {entries.map((entry) => (
          <li key={entry.key}>
            <span className="seg__history-who">{entry.label}</span>
            <span className="seg__history-text">{entry.text || t('transcript.history.empty')}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

function PlayButton({ segmentId, time }: { segmentId: string; time: string }) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'loading' | 'playing'>('idle');
  const toggle = async () => {
    if (state !== 'idle') {
      stopClip();
      setState('idle');
      return;
    }
    setState('loading');
    const ok = await playClip(segmentId, () => setState('idle'));
    if (ok) setState((s) => (s === 'loading' ? 'playing' : s));
  };
  const label = `${t(state === 'idle' ? 'transcript.segment.play' : 'transcript.segment.stop')} ${time}`;
  return (
    <button
      type="button"
      className="icon-btn icon-btn--bordered seg__play"
      data-testid={`segment-play-${segmentId}`}
      data-playing={state === 'playing' ? 'true' : 'false'}
      aria-pressed={state !== 'idle'}
      aria-busy={state === 'loading'}
      aria-label={label}
      title={label}
      onClick={() => void toggle()}
    >
      <Icon name={state === 'idle' ? 'play' : 'stop'} size={18} />
    </button>
  );
}

const ROLE_ORDER: Record<string, number> = { member: 0, studio: 1, moderator: 2, observer: 3, clerk: 4 };

/** Words spoken off the floor, for a speaker chosen from everyone invited. */
function OffFloorForm({ disabled }: { disabled: boolean }) {
  const t = useT();
  const invited = useStore((s) => s.transcript.invited);
  const sites = useStore((s) => s.consultation?.sites ?? NO_SITES);
  const agenda = useStore((s) => s.consultation?.agenda ?? NO_AGENDA);
  const currentItem = useStore((s) => s.floor?.agendaItemId ?? null);
  const [speaker, setSpeaker] = useState('');
  const [item, setItem] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  const bySite = useMemo(() => {
    const ordered = [...invited].sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.name.localeCompare(b.name, 'zh'));
    const known = new Set(sites.map((s) => s.id));
    const groups: { id: string; name: string; people: Participant[] }[] = sites.map((site) => ({
      id: site.id,
      name: site.name,
      people: ordered.filter((p) => p.siteId === site.id),
    }));
    groups.push({ id: '', name: t('room.otherSite'), people: ordered.filter((p) => !known.has(p.siteId)) });
    return groups.filter((g) => g.people.length > 0);
  }, [invited, sites, t]);

  const agendaItemId = item || currentItem || agenda[0]?.id || '';
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy || disabled || !speaker || !text.trim()) return;
    setBusy(true);
    const ok = await addOffFloorEntry({ participantId: speaker, text: text.trim(), ...(agendaItemId ? { agendaItemId } : {}) });
    setBusy(false);
    if (ok) setText('');
  };

  return (
    <details className="offfloor" data-testid="offfloor">
      <summary className="offfloor__summary" data-testid="offfloor-open">
        <Icon name="plus" size={18} />
        {t('transcript.offfloor.title')}
      </summary>
      <form className="offfloor__form" data-testid="offfloor-form" onSubmit={(event) => void submit(event)}>
        <p className="hint">{t('transcript.offfloor.hint')}</p>
        <div className="offfloor__row">
          <label className="field">
            <span className="field__label">{t('transcript.offfloor.speaker')}</span>
            <select className="select" data-testid="offfloor-speaker" required value={speaker} onChange={(event) => setSpeaker(event.target.value)}>
              <option value="">{t('transcript.offfloor.speakerPick')}</option>
              {bySite.map((group) => (
                <optgroup key={group.id} label={group.name}>
                  {group.people.map((p) => (
                    <option key={p.id} value={p.id}>
                      {`${p.name} · ${t(roleKey(p.role))}`}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          {agenda.length > 1 && (
            <label className="field">
              <span className="field__label">{t('transcript.offfloor.agenda')}</span>
              <select className="select" data-testid="offfloor-agenda" value={agendaItemId} onChange={(event) => setItem(event.target.value)}>
                {agenda.map((a, index) => (
                  <option key={a.id} value={a.id}>
                    {t('transcript.agendaItem', { n: index + 1, title: a.title })}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <label className="field">
          <span className="field__label">{t('transcript.offfloor.text')}</span>
          <textarea
            className="textarea"
            data-testid="offfloor-text"
            required
            rows={3}
            maxLength={10_000}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <button
          type="submit"
          className="btn btn--primary"
          data-testid="offfloor-submit"
          disabled={busy || disabled || !speaker || !text.trim()}
          aria-busy={busy}
        >
          <Icon name="plus" size={18} />
          {t('transcript.offfloor.submit')}
        </button>
      </form>
    </details>
  );
}
