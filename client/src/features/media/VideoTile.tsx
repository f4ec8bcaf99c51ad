import { useEffect, useRef } from 'react';
import { publishes } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { reportTileHeight, reportTileVisible } from './engine';
import { selectProducer, selectVideoSource } from './slice';
import { AttendeesInline } from '../studios/AttendeesInline';
import { selectFeedOnlyParticipant } from '../studios/slice';
import { initials, useTrackPlayback } from './useTrackPlayback';

/** A remote participant's video (or initials), name, site, muted and reconnecting marks. */
export function VideoTile({ participantId, featured = false }: { participantId: string; featured?: boolean }) {
  const t = useT();
  // A studio can take part through its broadcast feed alone, with nobody at its studio page.
  const participant = useStore((s) => s.participants[participantId] ?? selectFeedOnlyParticipant(s, participantId));
  const feedOnly = useStore((s) => !(participantId in s.participants));
  const siteName = useStore((s) => s.consultation?.sites.find((site) => site.id === participant?.siteId)?.name);
  // A studio's on-air RTMP feed is its picture (and sound) in place of the camera.
  const videoSource = useStore((s) => selectVideoSource(s, participantId));
  const camConsumerId = useStore((s) => s.consumerIds[participantId]?.[videoSource] ?? null);
  const camPaused = useStore((s) => selectProducer(s, participantId, videoSource)?.paused ?? false);
  const mic = useStore((s) => selectProducer(s, participantId, 'mic'));
  const feedAudio = useStore((s) => (videoSource === 'ingest-video' ? selectProducer(s, participantId, 'ingest-audio') : undefined));
  const speaking = useStore((s) => s.activeSpeakerId === participantId);
  const holdsFloor = useStore((s) => s.floor?.speech?.participantId === participantId);
  // A raised hand: their place in the speaking queue (the first of their requests).
  const queuePosition = useStore((s) => (s.floor?.queue.findIndex((e) => e.participantId === participantId) ?? -1) + 1);
  const { ref, playing } = useTrackPlayback(camConsumerId);
  const figureRef = useRef<HTMLElement>(null);

  // Report the drawn size so the SFU sends the simulcast layer that fits it.
  useEffect(() => {
    const element = figureRef.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) reportTileHeight(participantId, Math.round(entry.contentRect.height * window.devicePixelRatio));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      reportTileHeight(participantId, null);
    };
  }, [participantId, camConsumerId, Boolean(participant)]);

  // Report whether the tile is on screen: a video nobody sees is paused on the SFU.
  useEffect(() => {
    const element = figureRef.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const tile = {};
    const observer = new IntersectionObserver(([entry]) => {
      if (entry) reportTileVisible(participantId, tile, entry.isIntersecting);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      reportTileVisible(participantId, tile, null);
    };
  }, [participantId, Boolean(participant)]);

  if (!participant) return null;
  const hasVideo = playing && !camPaused;
  // No microphone producer from someone who could publish one also means they cannot be heard.
  const muted = (mic ? mic.paused : publishes(participant.role)) && !(feedAudio && !feedAudio.paused);
  const classes = ['tile', featured ? 'tile--featured' : '', speaking ? 'tile--speaking' : '', holdsFloor ? 'tile--floor' : ''].filter(Boolean).join(' ');

  return (
    <figure
      ref={figureRef}
      className={classes}
      data-testid={`tile-${participantId}`}
      data-has-video={hasVideo ? 'true' : 'false'}
      data-video-source={videoSource}
      data-floor={holdsFloor ? 'true' : 'false'}
      data-queue-position={queuePosition || undefined}
      data-feed-only={feedOnly ? 'true' : 'false'}
    >
      <video ref={ref} className={hasVideo ? 'tile__video' : 'tile__video is-hidden'} autoPlay playsInline muted />
      {!hasVideo && (
        <div className="tile__avatar" aria-hidden="true">
          {initials(participant.name)}
        </div>
      )}
      {queuePosition > 0 && (
        <span className="tile__hand" data-testid={`tile-hand-${participantId}`}>
          <Icon name="hand" size={18} />
          {t('floor.queued', { position: queuePosition })}
        </span>
      )}
      <figcaption className="tile__caption">
        {muted && (
          <span className="tile__mark" role="img" aria-label={t('room.muted')} title={t('room.muted')}>
            <Icon name="micOff" size={16} />
          </span>
        )}
        {camPaused && (
          <span className="tile__mark" role="img" aria-label={t('room.camOff')} title={t('room.camOff')}>
            <Icon name="cameraOff" size={16} />
          </span>
        )}
        {holdsFloor && <span className="badge badge--floor">{t('floor.holder')}</span>}
        <span className="tile__name">{participant.name}</span>
        {siteName && <span className="tile__site">{siteName}</span>}
        <AttendeesInline participantId={participantId} className="tile__site" />
        {speaking && <span className="visually-hidden">{t('room.speaking')}</span>}
        {feedOnly && <span className="badge">{t('studios.feedOnly')}</span>}
        {participant.status === 'reconnecting' && <span className="badge badge--warn">{t('room.statusReconnecting')}</span>}
      </figcaption>
    </figure>
  );
}
