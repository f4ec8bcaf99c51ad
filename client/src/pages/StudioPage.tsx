import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { useT } from '../i18n';
import { AudioSinks, unlockAudio } from '../features/media/AudioSinks';
import { MediaToggle } from '../features/media/MediaToggle';
import { selectFeaturedId, stageParticipants } from '../features/media/slice';
import { initials, useTrackPlayback } from '../features/media/useTrackPlayback';
import { VideoTile } from '../features/media/VideoTile';
import { FloorBar } from '../features/floor/FloorBar';
import { ConnBanner } from '../features/session/ConnBanner';
import { leaveRoom } from '../features/session/controller';
import { CaptionStrip, CaptionsToggle } from '../features/transcript/CaptionStrip';
import { Header } from '../features/ui/Header';
import { Icon } from '../features/ui/Icon';
import { AttendeesEditor } from '../features/studios/AttendeesEditor';
import { LiveBadge } from '../features/studios/LiveBadge';
import { selectFeedOnly } from '../features/studios/slice';
import { StudioFloor } from '../features/studios/StudioFloor';
import { useProjector } from '../features/studios/projector';
import { QueueOverview } from '../features/floor/QueueOverview';
import { VotingStage } from '../features/voting/VotingStage';
import '../features/studios/studios.css';

/**
 * A member studio's venue PC, driving the venue's big screen: the consultation fills the
 * screen (the floor holder or the active speaker large, the other sites in a strip), with a
 * big floor bar and captions readable across the room. Beside it, for the operator: the
 * venue's own picture, the floor request for the venue as a unit, and who is present.
 * The projector view (like OpenSlides' projector) leaves only what the room reads from its
 * seats: the floor holder, the countdown, the queue and a vote's turnout or result.
 */
export function StudioPage() {
  const t = useT();
  const title = useStore((s) => s.consultation?.title);
  const self = useStore((s) => s.self);
  const participants = useStore((s) => s.participants);
  const feedOnly = useStore(useShallow(selectFeedOnly));
  const featuredId = useStore(selectFeaturedId);
  const audioBlocked = useStore((s) => s.audioBlocked);
  const projector = useProjector();

  const others = useMemo(
    () => stageParticipants(participants, self?.id, feedOnly).filter((p) => p.id !== featuredId),
    [participants, self?.id, feedOnly, featuredId],
  );

  return (
    <div
      className={projector.on ? 'room studio-page studio-page--projector' : 'room studio-page'}
      data-testid="studio-page"
      data-view={projector.on ? 'projector' : 'desk'}
    >
      {!projector.on && (
        <Header title={title}>
          <LiveBadge />
        </Header>
      )}
      <ConnBanner />
      {audioBlocked && (
        <button type="button" className="audio-banner" onClick={unlockAudio}>
          <Icon name="speaker" size={18} />
          {t('room.audioBlocked')}
        </button>
      )}
      <FloorBar />
      <div className="studio-page__body">
        <main className="studio-stage">
          {!projector.on && <VotingStage />}
          <section className="studio-stage__featured" data-testid="active-speaker" data-participant-id={featuredId ?? ''} aria-label={t('room.featured')}>
            {featuredId ? <VideoTile participantId={featuredId} featured /> : <p className="stage__alone">{t('room.alone')}</p>}
          </section>
          <div className="studio-stage__captions">
            <CaptionStrip />
          </div>
          {others.length > 0 && !projector.on && (
            <ul className="studio-stage__others" aria-label={t('studios.page.others')}>
              {others.map((p) => (
                <li key={p.id}>
                  <VideoTile participantId={p.id} />
                </li>
              ))}
            </ul>
          )}
        </main>
        {projector.on ? (
          <aside className="projector-side" data-testid="projector" aria-label={t('studios.page.projectorLabel')}>
            <button type="button" className="projector-side__exit" data-testid="projector-exit" onClick={projector.exit}>
              <Icon name="close" size={18} />
              {t('studios.page.projectorExit')}
            </button>
            <VotingStage />
            <QueueOverview />
          </aside>
        ) : (
          <aside className="studio-side" aria-label={t('studios.page.controls')}>
            <VenuePreview />
            <StudioFloor />
            <AttendeesEditor />
          </aside>
        )}
      </div>
      <div className="controls" role="group" aria-label={t('room.controls')} hidden={projector.on}>
        <MediaToggle source="mic" />
        <MediaToggle source="camera" />
        <CaptionsToggle />
        <button type="button" className="ctrl" data-testid="projector-toggle" title={t('studios.page.projectorHint')} onClick={projector.enter}>
          <Icon name="screen" />
          <span className="ctrl__label">{t('studios.page.projector')}</span>
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

/**
 * The venue's own camera as others receive it (not mirrored: the operator checks framing and
 * any banner or name card), and whether the venue's studio feed is on air.
 */
function VenuePreview() {
  const t = useT();
  const camTrackId = useStore((s) => s.local.camTrackId);
  const camOn = useStore((s) => s.local.camOn);
  const name = useStore((s) => s.self?.name ?? '');
  const feedOnAir = useStore((s) => s.studios.ownFeed.length > 0);
  // The server withholds this computer's microphone while the feed carries the venue's sound.
  const feedHasSound = useStore((s) => s.studios.ownFeedAudioId !== null);
  const { ref, playing } = useTrackPlayback(camTrackId);
  const showVideo = playing && camOn;
  return (
    <>
      <figure className="venue-preview" data-testid="self-preview" data-has-video={showVideo ? 'true' : 'false'}>
        <video ref={ref} className={showVideo ? 'venue-preview__video' : 'venue-preview__video is-hidden'} autoPlay playsInline muted />
        {!showVideo && (
          <div className="tile__avatar" aria-hidden="true">
            {initials(name)}
          </div>
        )}
        <figcaption className="venue-preview__label">
          {t('studios.page.selfPreview')}
          {feedOnAir && (
            <span className="air-badge air-badge--on" data-testid="studio-feed-on-air">
              {t('studios.page.feedOnAir')}
            </span>
          )}
        </figcaption>
      </figure>
      {feedHasSound && (
        <p className="hint venue-preview__note" data-testid="studio-mic-replaced">
          {t('studios.page.micReplaced')}
        </p>
      )}
    </>
  );
}
