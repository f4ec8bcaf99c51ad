import { useEffect, useRef, useState } from 'react';
import { countdownPhase, speechElapsedMs, speechRemainingMs } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { endSpeech } from './actions';
import { typeKey, useAgendaLabel } from './labels';
import { selectName, selectSiteName } from './slice';
import { formatClock, useServerNow } from './time';

/**
 * Who has the floor and how long they have left, above the stage for everyone:
 * amber from T−30 s, red from T until the microphone closes at T+grace. The speaker
 * gets "I'm done" here, where it stays in view on a phone.
 */
export function FloorBar() {
  const t = useT();
  const speech = useStore((s) => s.floor?.speech ?? null);
  const queueLength = useStore((s) => s.floor?.queue.length ?? 0);
  const name = useStore((s) => (speech ? selectName(s, speech.participantId) : null));
  const siteName = useStore((s) => selectSiteName(s, speech?.siteId));
  const isSelf = useStore((s) => speech !== null && s.self?.id === speech.participantId);
  const agendaLabel = useAgendaLabel();
  const now = useServerNow(200, speech !== null && speech.runningSince !== null);
  const [ending, setEnding] = useState(false);

  const phase = speech ? countdownPhase(speech, now) : 'idle';
  const announcement = useAnnouncement(speech?.id ?? null, name, phase);

  let time = '';
  let caption = '';
  if (speech) {
    const remaining = speechRemainingMs(speech, now);
    if (remaining === null) {
      time = formatClock(speechElapsedMs(speech, now), 'down');
      caption = t('floor.noLimit');
    } else if (remaining > 0) {
      time = formatClock(remaining);
      caption = t('floor.remaining', { time });
    } else {
      time = `+${formatClock(-remaining, 'down')}`;
      caption = t('floor.overtime', { time: formatClock(-remaining, 'down') });
    }
  }
  const closesIn =
    speech && phase === 'overtime' && speech.runningSince !== null
      ? Math.max(0, Math.ceil((speech.graceMs + (speechRemainingMs(speech, now) ?? 0)) / 1000))
      : null;

  const done = async () => {
    if (!speech || ending) return;
    setEnding(true);
    try {
      await endSpeech(speech.id);
    } finally {
      setEnding(false);
    }
  };

  return (
    <section
      className={`floor-bar floor-bar--${phase}`}
      data-testid="floor-bar"
      data-phase={phase}
      data-speaker-id={speech?.participantId ?? ''}
      data-paused={speech && speech.runningSince === null ? 'true' : 'false'}
      aria-label={t('floor.barLabel')}
    >
      <div className="floor-bar__main">
        <p className="floor-bar__agenda">{agendaLabel}</p>
        {speech ? (
          <p className="floor-bar__who">
            <span className="floor-bar__label">{t('floor.speakingNow')}</span>
            <strong className="floor-bar__name">{name ?? t('floor.unknownPerson')}</strong>
            {siteName && <span className="floor-bar__site">{siteName}</span>}
            <span className={`type-tag type-tag--${speech.type}`}>{t(typeKey(speech.type))}</span>
            {speech.note && <span className="floor-bar__note">{speech.note}</span>}
          </p>
        ) : (
          <p className="floor-bar__who">
            <span className="floor-bar__idle">{t('floor.nobody')}</span>
            <span className="floor-bar__site">{t('floor.queueCount', { count: queueLength })}</span>
          </p>
        )}
      </div>
      {speech && (
        <div className="floor-bar__clock">
          <span className="floor-bar__time" role="timer" data-testid="floor-countdown" aria-label={caption}>
            {speech.runningSince === null && <Icon name="pause" size={18} />}
            {time}
          </span>
          <span className="floor-bar__caption">
            {speech.runningSince === null
              ? t('floor.paused')
              : closesIn !== null
                ? t('floor.micClosesIn', { seconds: closesIn })
                : phase === 'open'
                  ? t('floor.noLimit')
                  : phase === 'overtime'
                    ? t('floor.announceOvertime')
                    : t('floor.countdownLabel')}
          </span>
        </div>
      )}
      {isSelf && speech && (
        <button type="button" className="btn btn--done" data-testid="floor-done" title={t('floor.doneHint')} aria-busy={ending} onClick={() => void done()}>
          <Icon name="check" size={20} />
          {t('floor.done')}
        </button>
      )}
      <span className="visually-hidden" aria-live="polite">
        {announcement}
      </span>
    </section>
  );
}

/** A short spoken notice when the speaker changes, at T−30 s and at T; the ticking clock itself stays silent. */
function useAnnouncement(speechId: string | null, name: string | null, phase: string): string {
  const t = useT();
  const [text, setText] = useState('');
  const seen = useRef<{ speechId: string | null; phase: string }>({ speechId, phase });
  useEffect(() => {
    const before = seen.current;
    seen.current = { speechId, phase };
    if (speechId !== before.speechId) {
      if (speechId) setText(t('floor.announceSpeaker', { name: name ?? t('floor.unknownPerson') }));
      else if (before.speechId) setText(t('floor.announceEnded'));
      return;
    }
    if (phase !== before.phase && phase === 'warning') setText(t('floor.announceWarning'));
    if (phase !== before.phase && phase === 'overtime') setText(t('floor.announceOvertime'));
  }, [speechId, phase, name, t]);
  return text;
}
