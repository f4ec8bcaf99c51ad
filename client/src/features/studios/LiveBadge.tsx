import { useStore } from '../../store';
import { useT } from '../../i18n';
import { selectStreamLive } from './slice';
import './studios.css';

/** "直播中" in the header, for everyone, while the consultation is streamed to the public. */
export function LiveBadge() {
  const t = useT();
  const live = useStore(selectStreamLive);
  const encoder = useStore((s) => s.studios.stream?.encoder ?? null);
  return (
    <span role="status" className="live-badge-slot">
      {live && encoder === 'restarting' && (
        <span className="live-badge live-badge--down" data-testid="stream-interrupted" title={t('studios.stream.interrupted')}>
          <span className="live-badge__dot" aria-hidden="true" />
          {t('studios.stream.interrupted')}
        </span>
      )}
      {live && encoder !== 'restarting' && (
        <span className="live-badge" data-testid="stream-live" title={t('studios.stream.liveHint')}>
          <span className="live-badge__dot" aria-hidden="true" />
          {t('studios.stream.live')}
          <span className="visually-hidden">{t('studios.stream.liveHint')}</span>
        </span>
      )}
    </span>
  );
}
