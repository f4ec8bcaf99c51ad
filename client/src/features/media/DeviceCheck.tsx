import { useEffect, useId, useState } from 'react';
import { useStore } from '../../store';
import { useT, type MessageKey } from '../../i18n';
import { canChooseSpeaker, listDevices, retryLocalMedia, switchDevice } from './localMedia';
import { MicLevel } from './MicLevel';
import type { LocalMediaError } from './slice';
import { getTrack } from './tracks';
import { useTrackPlayback } from './useTrackPlayback';

const ERROR_KEYS: Record<LocalMediaError, MessageKey> = {
  denied: 'join.mediaDenied',
  notFound: 'join.mediaNotFound',
  insecure: 'join.mediaInsecure',
  failed: 'join.mediaFailed',
};

/**
 * The browser's devices, refreshed when devices change and whenever `revision`
 * changes (a newly opened track: permission reveals ids and labels).
 */
function useDevices(revision: string): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let alive = true;
    const refresh = () => {
      void listDevices().then((list) => {
        if (alive) setDevices(list);
      });
    };
    refresh();
    // mediaDevices is undefined outside a secure context, whatever its type says.
    const devices = navigator.mediaDevices as MediaDevices | undefined;
    devices?.addEventListener('devicechange', refresh);
    return () => {
      alive = false;
      devices?.removeEventListener('devicechange', refresh);
    };
  }, [revision]);
  return devices;
}

/** Camera preview, microphone meter and device choice, for roles that publish. */
export function DeviceCheck() {
  const t = useT();
  const local = useStore((s) => s.local);
  const chosen = useStore((s) => s.devices);
  const revision = `${local.camTrackId}|${local.micTrackId}`;
  const devices = useDevices(revision);
  const { ref, playing } = useTrackPlayback(local.camTrackId);

  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const currentCamera = chosen.cameraId ?? getTrack(local.camTrackId)?.getSettings().deviceId ?? '';
  const currentMic = chosen.micId ?? getTrack(local.micTrackId)?.getSettings().deviceId ?? '';

  return (
    <div className="device-check">
      <div className="device-check__preview">
        <video ref={ref} className={playing ? 'mirrored' : 'mirrored is-hidden'} autoPlay playsInline muted aria-label={t('join.preview')} />
        {!playing && <p className="device-check__off">{t(local.acquiring ? 'join.mediaWaiting' : 'join.previewOff')}</p>}
      </div>
      <div className="device-check__controls">
        {local.error && (
          <div className="note note--warn media-error" role="status" data-testid="media-error" data-error={local.error}>
            <p>{t(ERROR_KEYS[local.error])}</p>
            {local.error === 'denied' && <p data-testid="media-allow-how">{t('join.allowHowTo')}</p>}
            {local.error !== 'insecure' && (
              <button type="button" className="btn" data-testid="media-retry" disabled={local.acquiring} onClick={() => void retryLocalMedia()}>
                {t('join.mediaRetry')}
              </button>
            )}
          </div>
        )}
        <DeviceSelect label={t('join.camera')} devices={cameras} value={currentCamera} onChange={(id) => void switchDevice('camera', id)} />
        <DeviceSelect label={t('join.microphone')} devices={mics} value={currentMic} onChange={(id) => void switchDevice('mic', id)} />
        <div className="field">
          <span className="field__label">{t('join.micLevel')}</span>
          <MicLevel trackId={local.micTrackId} />
          <p className="hint">{t('join.micLevelHint')}</p>
        </div>
        <SpeakerSelect revision={revision} />
      </div>
    </div>
  );
}

function DeviceSelect({ label, devices, value, onChange }: { label: string; devices: MediaDeviceInfo[]; value: string; onChange: (deviceId: string) => void }) {
  const t = useT();
  const id = useId();
  // Before permission is granted, browsers list devices without ids or labels: nothing to choose yet.
  const usable = devices.filter((d) => d.deviceId);
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="select" value={value} disabled={usable.length === 0} onChange={(e) => onChange(e.target.value)}>
        {usable.length === 0 && <option value="">{t('join.deviceNone')}</option>}
        {usable.map((device, i) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || t('join.deviceUnnamed', { n: i + 1 })}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The audio output choice (where setSinkId exists); listeners need it too. */
export function SpeakerSelect({ revision = '' }: { revision?: string }) {
  const t = useT();
  const id = useId();
  const speakerId = useStore((s) => s.devices.speakerId);
  const setDevice = useStore((s) => s.setDevice);
  const devices = useDevices(revision);
  if (!canChooseSpeaker) return <p className="hint">{t('join.speakerUnsupported')}</p>;
  // '' is the system default; browsers that list a "default" entry would show it twice.
  const speakers = devices.filter((d) => d.kind === 'audiooutput' && d.deviceId && d.deviceId !== 'default');
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {t('join.speaker')}
      </label>
      <select id={id} className="select" value={speakerId ?? ''} onChange={(e) => setDevice('speakerId', e.target.value || null)}>
        <option value="">{t('join.speakerDefault')}</option>
        {speakers.map((device, i) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || t('join.deviceUnnamed', { n: i + 1 })}
          </option>
        ))}
      </select>
    </div>
  );
}
