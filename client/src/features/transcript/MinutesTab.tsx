import { useId } from 'react';
import { useStore, type AppState } from '../../store';
import { useT } from '../../i18n';
import { EngineInfo, MinutesPanel } from './MinutesPanel';
import { selectEditsMinutes, selectReadsMinutes } from './slice';
import { TranscriptPanel } from './TranscriptPanel';
import './transcript.css';

/** The moderator's 纪要 tab: which recogniser runs, the minutes' sign-off, and the transcript to read. */
export function MinutesTab() {
  const t = useT();
  const transcriptId = useId();
  return (
    <div className="floor-panel minutes-tab">
      <EngineInfo />
      <MinutesPanel />
      <section className="floor-section" aria-labelledby={transcriptId}>
        <h3 id={transcriptId} className="floor-section__title">
          {t('transcript.title')}
        </h3>
        <TranscriptPanel showOffFloor={false} />
      </section>
    </div>
  );
}

/** The tab's label: 纪要, marked while a submitted draft waits for the moderator. */
export function MinutesTabLabel() {
  const t = useT();
  const waiting = useStore((s) => s.transcript.minutes?.status === 'submitted');
  return (
    <>
      {t('transcript.tab')}
      {waiting && (
        <span className="side__live" title={t('transcript.minutes.hintModSubmitted')}>
          <span className="visually-hidden">{t('transcript.minutes.status.submitted')}</span>
        </span>
      )}
    </>
  );
}

/** Whether the room shows the 纪要 tab: to those who read the minutes but do not write them (the moderator). */
export function selectMinutesTab(state: AppState): boolean {
  return selectReadsMinutes(state) && !selectEditsMinutes(state);
}
