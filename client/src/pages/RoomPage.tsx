import { useCallback, useMemo, useRef, useState } from 'react';
import { can, publishes } from '@consult/shared';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { useT } from '../i18n';
import { AudioSinks, unlockAudio } from '../features/media/AudioSinks';
import { MediaToggle } from '../features/media/MediaToggle';
import { SelfPreview } from '../features/media/SelfPreview';
import { selectFeaturedId, stageParticipants } from '../features/media/slice';
import { VideoTile } from '../features/media/VideoTile';
import { FloorBar } from '../features/floor/FloorBar';
import { ConnBanner } from '../features/session/ConnBanner';
import { leaveRoom } from '../features/session/controller';
import { Header } from '../features/ui/Header';
import { Icon } from '../features/ui/Icon';
import { SidePanel, type SideTab } from '../features/ui/SidePanel';
import { VotingStage } from '../features/voting/VotingStage';
import { LiveBadge } from '../features/studios/LiveBadge';
import { selectFeedOnly } from '../features/studios/slice';
import { CaptionStrip, CaptionsToggle } from '../features/transcript/CaptionStrip';
import { ClerkMain } from './ClerkPage';

/** The consultation: the floor bar, main view of the speaker, grid of the others, own preview, controls, side panel. */
export function RoomPage() {
  const t = useT();
  const title = useStore((s) => s.consultation?.title);
  const self = useStore((s) => s.self);
  const participants = useStore((s) => s.participants);
  const feedOnly = useStore(useShallow(selectFeedOnly));
  const featuredId = useStore(selectFeaturedId);
  const audioBlocked = useStore((s) => s.audioBlocked);
  const queueLength = useStore((s) => s.floor?.queue.length ?? 0);
  const [panelOpen, setPanelOpen] = useState(false);
  const [tab, setTab] = useState<SideTab>('floor');
  const floorToggleRef = useRef<HTMLButtonElement>(null);
  const listToggleRef = useRef<HTMLButtonElement>(null);

  const grid = useMemo(
    () => stageParticipants(participants, self?.id, feedOnly).filter((p) => p.id !== featuredId),
    [participants, self?.id, feedOnly, featuredId],
  );
  // The close handler reads the tab through a ref, so it stays one function (the drawer's key listener depends on it).
  const tabRef = useRef(tab);
  tabRef.current = tab;
  const closePanel = useCallback(() => {
    setPanelOpen(false);
    // Back to the button that opened the drawer.
    (tabRef.current === 'people' ? listToggleRef : floorToggleRef).current?.focus();
  }, []);
  const togglePanel = (which: SideTab) => {
    if (panelOpen && tab === which) {
      setPanelOpen(false);
      return;
    }
    setTab(which);
    setPanelOpen(true);
  };
  const sendsMedia = self ? publishes(self.role) : false;
  // The clerk's main area is the transcript and the minutes (with the speaker and the captions above).
  const keepsRecord = self ? can(self.role, 'minutes.edit') : false;

  return (
    <div className={keepsRecord ? 'room room--clerk' : 'room'} data-testid="room">
      <Header title={title}>
        <LiveBadge />
      </Header>
      <ConnBanner />
      {audioBlocked && (
        <button type="button" className="audio-banner" onClick={unlockAudio}>
          <Icon name="speaker" size={18} />
          {t('room.audioBlocked')}
        </button>
      )}
      <FloorBar />
      <div className="room__body">
        {keepsRecord ? (
          <ClerkMain />
        ) : (
          <main className="stage">
            <VotingStage />
            <section className="stage__featured" data-testid="active-speaker" data-participant-id={featuredId ?? ''} aria-label={t('room.featured')}>
              {featuredId ? <VideoTile participantId={featuredId} featured /> : <p className="stage__alone">{t('room.alone')}</p>}
              {sendsMedia && <SelfPreview />}
            </section>
            <CaptionStrip />
            {grid.length > 0 && (
              <ul className="stage__grid" aria-label={t('room.others')}>
                {grid.map((p) => (
                  <li key={p.id}>
                    <VideoTile participantId={p.id} />
                  </li>
                ))}
              </ul>
            )}
          </main>
        )}
        {/* Tapping beside the drawer closes it (narrow screens only; Escape and the close button also do). */}
        {panelOpen && <div className="side-scrim" aria-hidden="true" onClick={closePanel} />}
        <SidePanel open={panelOpen} tab={tab} onTab={setTab} onClose={closePanel} />
      </div>
      <div className="controls" role="group" aria-label={t('room.controls')}>
        {sendsMedia && (
          <>
            <MediaToggle source="mic" />
            <MediaToggle source="camera" />
          </>
        )}
        <CaptionsToggle />
        <button
          type="button"
          ref={floorToggleRef}
          className="ctrl ctrl--drawer"
          data-testid="floor-panel-toggle"
          aria-expanded={panelOpen && tab === 'floor'}
          aria-controls="side-panel"
          aria-label={t('floor.panelShow')}
          title={t('floor.panelShow')}
          onClick={() => togglePanel('floor')}
        >
          <Icon name="hand" />
          <span className="ctrl__label">{t('floor.tab')}</span>
          {queueLength > 0 && <span className="ctrl__count">{queueLength}</span>}
        </button>
        <button
          type="button"
          ref={listToggleRef}
          className="ctrl ctrl--drawer ctrl--list"
          data-testid="participants-toggle"
          aria-expanded={panelOpen && tab === 'people'}
          aria-controls="side-panel"
          aria-label={t('room.participantsShow')}
          title={t('room.participantsShow')}
          onClick={() => togglePanel('people')}
        >
          <Icon name="users" />
          <span className="ctrl__label">{Object.keys(participants).length}</span>
        </button>
        <button type="button" className="ctrl ctrl--danger" aria-label={t('room.leaveHint')} title={t('room.leaveHint')} onClick={leaveRoom}>
          <Icon name="leave" />
          <span className="ctrl__label">{t('room.leave')}</span>
        </button>
      </div>
      <AudioSinks />
    </div>
  );
}
