import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';

/**
 * Join with the microphone or camera off (phone members on weak links often keep the camera
 * off). Only the starting state: in the room the usual toggles take over.
 */
export function PrejoinToggles() {
  const t = useT();
  const micOn = useStore((s) => s.local.micOn);
  const camOn = useStore((s) => s.local.camOn);
  const setLocal = useStore((s) => s.setLocal);
  return (
    <div className="prejoin-toggles" role="group" aria-label={t('join.startWith')}>
      <button
        type="button"
        className={`ctrl ${micOn ? 'ctrl--on' : 'ctrl--off'}`}
        data-testid="prejoin-mic"
        aria-pressed={micOn}
        title={t(micOn ? 'room.micOnHint' : 'room.micOffHint')}
        onClick={() => setLocal({ micOn: !micOn })}
      >
        <Icon name={micOn ? 'mic' : 'micOff'} size={20} />
        <span>{t('room.micToggle')}</span>
      </button>
      <button
        type="button"
        className={`ctrl ${camOn ? 'ctrl--on' : 'ctrl--off'}`}
        data-testid="prejoin-cam"
        aria-pressed={camOn}
        title={t(camOn ? 'room.camOnHint' : 'room.camOffHint')}
        onClick={() => setLocal({ camOn: !camOn })}
      >
        <Icon name={camOn ? 'camera' : 'cameraOff'} size={20} />
        <span>{t('room.camToggle')}</span>
      </button>
    </div>
  );
}
