import { useState } from 'react';
import type { MediaSource } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { selectMayOpenMic } from '../floor/slice';
import { publishLocalTracks, setSourceEnabled } from './engine';
import { retryLocalMedia } from './localMedia';

/**
 * The microphone or camera on/off button (a toggle: aria-pressed is "on"). A member's
 * microphone follows the floor: the button stays disabled (and says why) until they
 * are given the floor, and can then mute and unmute during their speech.
 */
export function MediaToggle({ source }: { source: MediaSource }) {
  const t = useT();
  const isMic = source === 'mic';
  const on = useStore((s) => (isMic ? s.local.micOn : s.local.camOn));
  const hasDevice = useStore((s) => (isMic ? s.local.micTrackId : s.local.camTrackId) !== null);
  const allowed = useStore((s) => (isMic ? s.mayPublish.audio : s.mayPublish.video));
  const mayOpenMic = useStore(selectMayOpenMic);
  const [busy, setBusy] = useState(false);

  // Closing stays possible (privacy first); opening waits for the floor.
  const waitsForFloor = isMic && !mayOpenMic && !on;
  const unavailable = !hasDevice || !allowed || waitsForFloor;
  const pressed = on && !unavailable;
  const hint = !allowed
    ? t('room.notAllowedHint')
    : !hasDevice
      ? t('room.noDeviceRetryHint')
      : waitsForFloor
        ? t('room.micNeedsFloor')
        : t(isMic ? (on ? 'room.micOnHint' : 'room.micOffHint') : on ? 'room.camOnHint' : 'room.camOffHint');
  const label = t(isMic ? 'room.micToggle' : 'room.camToggle');

  // A device that did not open (the browser refused it, or it was busy): the button offers a retry.
  const retryable = allowed && !hasDevice;
  const pushToast = useStore((s) => s.pushToast);
  const retry = async () => {
    setBusy(true);
    try {
      const error = await retryLocalMedia();
      if (error === 'denied') pushToast('toast.mediaDeniedHelp');
      else if (error) pushToast('join.mediaFailed');
      await publishLocalTracks();
    } finally {
      setBusy(false);
    }
  };

  const toggle = async () => {
    if (retryable && !busy) return retry();
    // aria-disabled keeps the button focusable, so its hint stays discoverable; ignore the click instead.
    if (unavailable || busy) return;
    setBusy(true);
    try {
      await setSourceEnabled(source, !on);
    } finally {
      setBusy(false);
    }
  };

  return (
    <button
      type="button"
      className={`ctrl ${pressed ? 'ctrl--on' : 'ctrl--off'}`}
      data-testid={isMic ? 'mic-toggle' : 'cam-toggle'}
      data-waits-for-floor={waitsForFloor ? 'true' : undefined}
      aria-pressed={pressed}
      aria-disabled={(unavailable && !retryable) || busy}
      data-retry={retryable ? 'true' : undefined}
      aria-label={label}
      title={hint}
      onClick={() => void toggle()}
    >
      <Icon name={isMic ? (pressed ? 'mic' : 'micOff') : pressed ? 'camera' : 'cameraOff'} />
      <span className="ctrl__label">{waitsForFloor ? t('room.micLocked') : label}</span>
    </button>
  );
}
