import { useEffect, useRef, useState } from 'react';
import type Hls from 'hls.js';
import { useStore } from '../store';
import { useT } from '../i18n';
import { Header } from '../features/ui/Header';
import { Icon } from '../features/ui/Icon';
import '../features/studios/studios.css';

/** The public viewer's route: `/watch/<consultationId>`; null for any other path. */
export function watchRouteId(pathname: string): string | null {
  const match = /^\/watch\/([A-Za-z0-9_-]{1,64})\/?$/.exec(pathname);
  return match?.[1] ?? null;
}

type Phase = 'checking' | 'offline' | 'live' | 'interrupted' | 'unsupported';

/** Between looks at the playlist while there is no stream. */
const POLL_MS = 3000;
/** A playing stream whose picture has not moved for this long is taken as stopped. */
const STALL_MS = 15_000;

/**
 * The public stream for anyone with the link, no login: HLS through hls.js (or the browser's
 * own HLS where there is no Media Source, as on older iPhones). Until a live playlist
 * appears it says the stream has not started and keeps looking; a stream that stops or stalls
 * goes back to looking. A finished stream leaves its last playlist behind, so "live" means
 * a playlist that changes between two looks.
 */
export function WatchPage({ consultationId }: { consultationId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>('checking');
  const [muted, setMuted] = useState(false);
  const [title, setTitle] = useState<string | null>(null);
  const playlist = `/live/${encodeURIComponent(consultationId)}/index.m3u8`;

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${title ? `${title} · ` : ''}${t('studios.watch.title')} · ${t('app.name')}`;
  }, [lang, t, title]);

  // The consultation's title, public while its stream is live (404 otherwise: then there is nothing to name).
  useEffect(() => {
    if (phase !== 'checking' && phase !== 'live') return;
    let cancelled = false;
    fetch(`/live/${encodeURIComponent(consultationId)}/info`, { cache: 'no-store' })
      .then((response) => (response.ok ? (response.json() as Promise<unknown>) : null))
      .then((info) => {
        const named =
          info !== null && typeof info === 'object' && typeof (info as { title?: unknown }).title === 'string' ? (info as { title: string }).title : null;
        if (!cancelled && named) setTitle(named);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [phase, consultationId]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    // Set by the cleanup while a fetch may be under way (a flag TypeScript cannot see change across await).
    const life = { stopped: false };
    let timer: number | undefined;
    let watchdog: number | undefined;
    let hls: Hls | null = null;
    let lastPlaylist: string | null = null;
    let played = false;
    let lastTime = -1;
    let lastProgressAt = 0;

    const broadcastOn = () =>
      fetch(`/live/${encodeURIComponent(consultationId)}/info`, { cache: 'no-store' })
        .then((response) => response.ok)
        .catch(() => false);

    const schedule = (ms: number) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void look(), ms);
    };

    const look = async () => {
      if (life.stopped) return;
      let text: string | null = null;
      try {
        const response = await fetch(playlist, { cache: 'no-store' });
        if (response.ok) text = await response.text();
      } catch {
        // Offline or the server is restarting: look again later.
      }
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the cleanup during the fetch
      if (life.stopped) return;
      if (text !== null && lastPlaylist !== null && text !== lastPlaylist && text.includes('#EXTINF')) {
        void attach();
        return;
      }
      // The first sight of a playlist needs a second look; nothing (or the same) means no picture now:
      // if the broadcast is on (its info answers), it is interrupted (the encoder is being restarted), not over.
      if (text === null || lastPlaylist !== null) setPhase(played || (await broadcastOn()) ? 'interrupted' : 'offline');
      lastPlaylist = text;
      schedule(text === null ? POLL_MS : 2000);
    };

    const play = () => {
      video.muted = false;
      video.play().catch(() => {
        // No sound without a click on this page (autoplay policy): start muted and offer the sound.
        video.muted = true;
        setMuted(true);
        video.play().catch(() => undefined);
      });
    };

    const interrupt = () => {
      if (life.stopped) return;
      hls?.destroy();
      hls = null;
      window.clearInterval(watchdog);
      video.removeAttribute('src');
      video.load();
      lastPlaylist = null;
      setPhase(played ? 'interrupted' : 'offline');
      schedule(POLL_MS);
    };

    const attach = async () => {
      lastTime = -1;
      lastProgressAt = Date.now();
      const { default: HlsClass } = await import('hls.js/light');
      if (life.stopped) return;
      if (HlsClass.isSupported()) {
        const player = new HlsClass({ liveSyncDurationCount: 3, liveMaxLatencyDurationCount: 8 });
        hls = player;
        let recovered = false;
        player.on(HlsClass.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && !recovered) {
            recovered = true;
            player.recoverMediaError();
            return;
          }
          interrupt();
        });
        player.on(HlsClass.Events.MANIFEST_PARSED, play);
        player.loadSource(playlist);
        player.attachMedia(video);
      } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = playlist;
        video.addEventListener('loadedmetadata', play, { once: true });
      } else {
        setPhase('unsupported');
        return;
      }
      setPhase('live');
      watchdog = window.setInterval(() => {
        // Paused by the viewer is not a stall; a picture that does not move while playing is.
        if (!video.paused && Date.now() - lastProgressAt > STALL_MS) interrupt();
      }, 2000);
    };

    const onTime = () => {
      if (video.currentTime !== lastTime) {
        lastTime = video.currentTime;
        lastProgressAt = Date.now();
        played = true;
      }
    };
    const onError = () => {
      if (!hls) interrupt();
    };
    const onVolume = () => setMuted(video.muted);
    // A stopped broadcast ends its playlist (#EXT-X-ENDLIST): the player plays to the end and stops, which is no stall.
    const onEnded = () => interrupt();
    video.addEventListener('timeupdate', onTime);
    video.addEventListener('error', onError);
    video.addEventListener('volumechange', onVolume);
    video.addEventListener('ended', onEnded);
    void look();

    return () => {
      life.stopped = true;
      window.clearTimeout(timer);
      window.clearInterval(watchdog);
      video.removeEventListener('timeupdate', onTime);
      video.removeEventListener('error', onError);
      video.removeEventListener('volumechange', onVolume);
      video.removeEventListener('ended', onEnded);
      hls?.destroy();
    };
  }, [playlist]);

  const unmute = () => {
    const video = videoRef.current;
    if (!video) return;
    video.muted = false;
    setMuted(false);
    void video.play().catch(() => undefined);
  };

  const waiting = phase === 'offline' || phase === 'interrupted';
  return (
    <div className="page watch-page" data-testid="watch-page" data-phase={phase}>
      <Header title={t('studios.watch.title')} />
      <main className="watch">
        {title && (
          <h2 className="watch__title" data-testid="watch-title">
            {title}
          </h2>
        )}
        <div className="watch__player">
          <video
            ref={videoRef}
            className={phase === 'live' ? 'watch__video' : 'watch__video is-hidden'}
            data-testid="watch-video"
            aria-label={t('studios.watch.player')}
            controls={phase === 'live'}
            playsInline
            autoPlay
          />
          {phase === 'live' && (
            <span className="live-badge watch__live">
              <span className="live-badge__dot" aria-hidden="true" />
              {t('studios.watch.live')}
            </span>
          )}
          {phase === 'live' && muted && (
            <button type="button" className="btn btn--primary watch__unmute" data-testid="watch-unmute" onClick={unmute}>
              <Icon name="speaker" size={20} />
              {t('studios.watch.unmute')}
            </button>
          )}
          {phase !== 'live' && (
            <div className="watch__overlay" role="status" data-testid={waiting ? 'watch-offline' : 'watch-status'}>
              {phase === 'checking' && <p className="watch__message">{t('studios.watch.checking')}</p>}
              {waiting && (
                <>
                  <p className="watch__message">{t(phase === 'offline' ? 'studios.watch.offline' : 'studios.watch.interrupted')}</p>
                  <p className="watch__hint">{t(phase === 'offline' ? 'studios.watch.offlineHint' : 'studios.watch.interruptedHint')}</p>
                </>
              )}
              {phase === 'unsupported' && <p className="watch__message">{t('studios.watch.unsupported')}</p>}
            </div>
          )}
        </div>
        <p className="hint watch__about">{t('studios.watch.about')}</p>
      </main>
    </div>
  );
}
