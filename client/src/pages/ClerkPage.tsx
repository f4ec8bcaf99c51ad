import { useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../store';
import { useT } from '../i18n';
import { selectFeaturedId } from '../features/media/slice';
import { VideoTile } from '../features/media/VideoTile';
import { CaptionStrip } from '../features/transcript/CaptionStrip';
import { EngineInfo, MinutesPanel } from '../features/transcript/MinutesPanel';
import { TranscriptPanel } from '../features/transcript/TranscriptPanel';
import { VotingStage } from '../features/voting/VotingStage';
import '../features/transcript/transcript.css';

type ClerkTab = 'transcript' | 'minutes';
const TABS: ClerkTab[] = ['transcript', 'minutes'];

/**
 * The clerk's main area in the room: the speaker (small) with the live captions, which
 * recogniser runs, and the workspace: the transcript to correct and complete, and the
 * minutes to preview, submit and export.
 */
export function ClerkMain() {
  const t = useT();
  const featuredId = useStore(selectFeaturedId);
  const [tab, setTab] = useState<ClerkTab>('transcript');
  const tabRefs = useRef<Record<ClerkTab, HTMLButtonElement | null>>({ transcript: null, minutes: null });

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(index + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(index + TABS.length - 1) % TABS.length]
          : event.key === 'Home'
            ? TABS[0]
            : event.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  return (
    <main className="stage clerk" data-testid="clerk-main">
      <VotingStage />
      <div className="clerk__live">
        <section className="clerk__video" data-testid="active-speaker" data-participant-id={featuredId ?? ''} aria-label={t('room.featured')}>
          {featuredId ? <VideoTile participantId={featuredId} featured /> : <p className="stage__alone">{t('room.alone')}</p>}
        </section>
        <div className="clerk__captions">
          <CaptionStrip />
          <EngineInfo />
        </div>
      </div>
      <section className="clerk__work" aria-label={t('transcript.workspace')}>
        <div className="clerk__tabs" role="tablist" aria-label={t('transcript.workspace')}>
          {TABS.map((which) => (
            <button
              key={which}
              type="button"
              role="tab"
              id={`clerk-tab-${which}`}
              className="clerk__tab"
              data-testid={`clerk-tab-${which}`}
              aria-selected={tab === which}
              aria-controls={`clerk-panel-${which}`}
              tabIndex={tab === which ? 0 : -1}
              ref={(element) => {
                tabRefs.current[which] = element;
              }}
              onClick={() => setTab(which)}
              onKeyDown={onTabKey}
            >
              {t(which === 'transcript' ? 'transcript.workspace.transcript' : 'transcript.workspace.minutes')}
            </button>
          ))}
        </div>
        <div role="tabpanel" id="clerk-panel-transcript" className="clerk__panel" aria-labelledby="clerk-tab-transcript" hidden={tab !== 'transcript'}>
          <TranscriptPanel />
        </div>
        <div role="tabpanel" id="clerk-panel-minutes" className="clerk__panel" aria-labelledby="clerk-tab-minutes" hidden={tab !== 'minutes'}>
          <MinutesPanel />
        </div>
      </section>
    </main>
  );
}
