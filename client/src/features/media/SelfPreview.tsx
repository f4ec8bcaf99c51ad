import { useStore } from '../../store';
import { useT } from '../../i18n';
import { initials, useTrackPlayback } from './useTrackPlayback';

/** Our own camera, small and mirrored (as people expect to see themselves). */
export function SelfPreview() {
  const t = useT();
  const camTrackId = useStore((s) => s.local.camTrackId);
  const camOn = useStore((s) => s.local.camOn);
  const name = useStore((s) => s.self?.name ?? '');
  const { ref, playing } = useTrackPlayback(camTrackId);
  const showVideo = playing && camOn;
  return (
    <figure className="self-preview" data-testid="self-preview" data-has-video={showVideo ? 'true' : 'false'}>
      <video ref={ref} className={showVideo ? 'mirrored' : 'mirrored is-hidden'} autoPlay playsInline muted />
      {!showVideo && (
        <div className="tile__avatar tile__avatar--small" aria-hidden="true">
          {initials(name)}
        </div>
      )}
      <figcaption className="self-preview__label">{t('room.selfPreview')}</figcaption>
    </figure>
  );
}
