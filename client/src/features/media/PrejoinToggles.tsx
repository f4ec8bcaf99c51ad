import type { MediaSource } from '@consult/shared';
import { micFollowsFloor } from '../floor/slice';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';

/**
 * Join with the microphone or camera off (phone members on weak links often keep the camera
 * off). Only the starting state: in the room the usual toggles take over. A member's
 * microphone is not theirs to choose: it opens with the floor, so only the camera is offered.
 */
export function PrejoinToggles() {
  const t = useT();
  const followsFloor = useStore((s) => (s.sessionInfo ? micFollowsFloor(s.sessionInfo.participant.role) : false));
  return (
    <>
      <div className="prejoin-toggles" role="group" aria-label={t('join.startWith')}>
        {!followsFloor && <PrejoinToggle source="mic" />}
        <PrejoinToggle source="camera" />
      </div>
      {followsFloor && (
        <p className="hint prejoin-hint" data-testid="prejoin-mic-floor">
          {t('join.micFollowsFloor')}
        </p>
      )}
    </>
  );
}

function PrejoinToggle({ source }: { source: MediaSource }) {
  const t = useT();
  const isMic = source === 'mic';
  const wanted = useStore((s) => (isMic ? s.local.micOn : s.local.camOn));
  // A device the browser refused (or that is missing) is shown off, whatever was chosen.
  const missing = useStore((s) => !s.local.acquiring && (isMic ? s.local.micTrackId : s.local.camTrackId) === null);
  const on = wanted && !missing;
  const setLocal = useStore((s) => s.setLocal);
  const hint = missing ? 'room.noDeviceHint' : isMic ? (on ? 'room.micOnHint' : 'room.micOffHint') : on ? 'room.camOnHint' : 'room.camOffHint';
  return (
    <button
      type="button"
      className={`ctrl ${on ? 'ctrl--on' : 'ctrl--off'}`}
      data-testid={isMic ? 'prejoin-mic' : 'prejoin-cam'}
      aria-pressed={on}
      aria-disabled={missing}
      title={t(hint)}
      onClick={() => {
        if (!missing) setLocal(isMic ? { micOn: !on } : { camOn: !on });
      }}
    >
      <Icon name={isMic ? (on ? 'mic' : 'micOff') : on ? 'camera' : 'cameraOff'} size={20} />
      <span>{t(isMic ? 'room.micToggle' : 'room.camToggle')}</span>
    </button>
  );
}
