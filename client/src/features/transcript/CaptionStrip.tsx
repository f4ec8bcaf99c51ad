import { can } from '@consult/shared';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from '../../store';
import { useT, type MessageKey } from '../../i18n';
import { selectName, selectSiteName } from '../floor/slice';
import { captionLines } from './logic';
import './transcript.css';

/** How long the captions of a speech stay up after it ends (its last words arrive as it ends). */
const LINGER_MS = 6000;

interface CaptionSpeech {
  id: string;
  participantId: string;
  siteId: string;
}

/** The speech on the floor, or the one that just ended for a few seconds after. */
function useCaptionSpeech(): CaptionSpeech | null {
  const speech = useStore((s) => s.floor?.speech ?? null);
  const [ended, setEnded] = useState<CaptionSpeech | null>(null);
  const current = useMemo(
    () => (speech ? { id: speech.id, participantId: speech.participantId, siteId: speech.siteId } : null),
    [speech?.id, speech?.participantId, speech?.siteId],
  );
  useEffect(() => {
    if (!current) return;
    setEnded(null);
    return () => {
      // The floor moved on or was closed: keep this speech's captions up a moment longer.
      setEnded(current);
    };
  }, [current]);
  useEffect(() => {
    if (!ended) return;
    const timer = window.setTimeout(() => setEnded(null), LINGER_MS);
    return () => window.clearTimeout(timer);
  }, [ended]);
  return current ?? ended;
}

export function languageKey(language: 'zh' | 'en'): MessageKey {
  return `transcript.lang.${language}`;
}

/**
 * Live captions of the current speech, for everyone: the speaker, the last final lines
 * and the utterance in progress (lighter, until it is final). Without a recogniser for the
 * consultation's language there are no captions: members and observers see nothing, the clerk (who
 * types the speech from the recording) sees one line while the speech is on.
 */
export function CaptionStrip() {
  const t = useT();
  const on = useStore((s) => s.transcript.captionsOn);
  const speech = useCaptionSpeech();
  const engine = useStore((s) => s.transcript.engine);
  const segments = useStore((s) => s.transcript.segments);
  const partial = useStore((s) => s.transcript.partial);
  const name = useStore((s) => (speech ? selectName(s, speech.participantId) : null));
  const invitedName = useStore((s) => (speech ? s.transcript.invited.find((p) => p.id === speech.participantId)?.name : undefined));
  const siteName = useStore((s) => selectSiteName(s, speech?.siteId));
  const lines = useMemo(() => (speech ? captionLines(segments, partial, speech.id) : null), [segments, partial, speech]);
  const clerk = useStore((s) => (s.self ? can(s.self.role, 'minutes.edit') : false));
  const onFloor = useStore((s) => s.floor?.speech?.id === speech?.id);

  if (!on || !speech || !lines) return null;
  const recognises = engine?.recognises ?? true;
  if (!recognises && (!clerk || !onFloor)) return null;
  const empty = lines.finals.length === 0 && !lines.partial;

  return (
    <section className="captions" data-testid="caption-strip" data-speech-id={speech.id} aria-label={t('transcript.captions.label')}>
      <p className="captions__who">
        <strong className="captions__name">{name ?? invitedName ?? t('floor.unknownPerson')}</strong>
        {siteName && <span className="captions__site">{siteName}</span>}
      </p>
      {!recognises && engine ? (
        <p className="captions__notice" data-testid="caption-notice">
          {t('transcript.captions.noRecognition', { language: t(languageKey(engine.language)) })}
        </p>
      ) : (
        <div className="captions__window">
          <p className="captions__text">
            {lines.finals.map((segment) => (
              <span key={segment.id} className="captions__final" data-testid="caption-final" data-segment-id={segment.id}>
                {segment.text}{' '}
              </span>
            ))}
            {lines.partial && (
              <span className="captions__partial" data-testid="caption-partial">
                {lines.partial.text}
                <span className="visually-hidden">{t('transcript.captions.partial')}</span>
              </span>
            )}
            {empty && <span className="captions__listening">{t('transcript.captions.listening')}</span>}
          </p>
        </div>
      )}
    </section>
  );
}

/** The captions on/off switch for the controls bar (remembered on this browser). */
export function CaptionsToggle() {
  const t = useT();
  const on = useStore((s) => s.transcript.captionsOn);
  const setOn = useStore((s) => s.setCaptionsOn);
  return (
    <button
      type="button"
      className={`ctrl ${on ? 'ctrl--on' : 'ctrl--captions-off'}`}
      data-testid="captions-toggle"
      aria-pressed={on}
      aria-label={t('transcript.captions.toggle')}
      title={t(on ? 'transcript.captions.onHint' : 'transcript.captions.offHint')}
      onClick={() => setOn(!on)}
    >
      <CaptionsIcon off={!on} />
      <span className="ctrl__label">{t('transcript.captions.toggle')}</span>
    </button>
  );
}

function CaptionsIcon({ off }: { off: boolean }) {
  return (
    <svg
      className="icon"
      width={22}
      height={22}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z" />
      <path d="M10.5 10.2a2.2 2.2 0 1 0 0 3.6" />
      <path d="M17 10.2a2.2 2.2 0 1 0 0 3.6" />
      {off && <path d="M3 3l18 18" />}
    </svg>
  );
}
