import { useCallback, useMemo, useRef, useState } from 'react';
import { publishes } from '@consult/shared';
import { useStore } from '../store';
import { useT } from '../i18n';
import { AudioSinks, unlockAudio } from '../features/media/AudioSinks';
import { MediaToggle } from '../features/media/MediaToggle';
import { SelfPreview } from '../features/media/SelfPreview';
import { selectFeaturedId, stageParticipants } from '../features/media/slice';
import { VideoTile } from '../features/media/VideoTile';
import { ParticipantList } from '../features/participants/ParticipantList';
import { ConnBanner } from '../features/session/ConnBanner';
import { leaveRoom } from '../features/session/controller';
import { Header } from '../features/ui/Header';
import { Icon } from '../features/ui/Icon';

/** The consultation: main view of the speaker, grid of the others, own preview, controls, list. */
export function RoomPage() {
  const t = useT();
  const title = useStore((s) => s.consultation?.title);
  const self = useStore((s) => s.self);
  const participants = useStore((s) => s.participants);
  const featuredId = useStore(selectFeaturedId);
  const audioBlocked = useStore((s) => s.audioBlocked);
  const [listOpen, setListOpen] = useState(false);
  const listToggleRef = useRef<HTMLButtonElement>(null);

  const grid = useMemo(
    () => stageParticipants(participants, self?.id).filter((p) => p.id !== featuredId),
    [participants, self?.id, featuredId],
  );
  const closeList = useCallback(() => {
    setListOpen(false);
    listToggleRef.current?.focus();
  }, []);
  const sendsMedia = self ? publishes(self.role) : false;

  return (
    <div className="room">
      <Header title={title} />
      <ConnBanner />
      {audioBlocked && (
        <button type="button" className="audio-banner" onClick={unlockAudio}>
          <Icon name="speaker" size={18} />
          {t('room.audioBlocked')}
        </button>
      )}
      <div className="room__body">
        <main className="stage">
          <section className="stage__featured" data-testid="active-speaker" data-participant-id={featuredId ?? ''} aria-label={t('room.featured')}>
            {featuredId ? <VideoTile participantId={featuredId} featured /> : <p className="stage__alone">{t('room.alone')}</p>}
            {sendsMedia && <SelfPreview />}
          </section>
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
        {/* Tapping beside the drawer closes it (narrow screens only; Escape and the close button also do). */}
        {listOpen && <div className="plist-scrim" aria-hidden="true" onClick={closeList} />}
        <ParticipantList open={listOpen} onClose={closeList} />
      </div>
      <div className="controls" role="group" aria-label={t('room.controls')}>
        {sendsMedia && (
          <>
            <MediaToggle source="mic" />
            <MediaToggle source="camera" />
          </>
        )}
        <button
          type="button"
          ref={listToggleRef}
          className="ctrl ctrl--list"
          aria-expanded={listOpen}
          aria-controls="participant-list"
          aria-label={t('room.participantsShow')}
          title={t('room.participantsShow')}
          onClick={() => setListOpen((open) => !open)}
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
