import type { MediaSource } from '@consult/shared';
import { useStore } from '../../store';
import type { LocalMediaError } from './slice';
import { registerTrack, unregisterTrack } from './tracks';
import { STUDIO_CAPTURE, usesStudioProfile } from '../studios/profile';

/** The open camera and microphone tracks; the engine publishes these. */
const localTracks = new Map<MediaSource, MediaStreamTrack>();
let opening: Promise<void> | null = null;

/** Whether this browser can route audio to a chosen output device. */
export const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** The open local track for a source, if any. */
export function getLocalTrack(source: MediaSource): MediaStreamTrack | null {
  return localTracks.get(source) ?? null;
}

/**
 * Opens the camera and microphone chosen in the store (or the defaults). Never
 * throws: a failure is recorded in `local.error` and joining stays possible.
 */
export function acquireLocalMedia(): Promise<void> {
  opening ??= openBoth().finally(() => {
    opening = null;
  });
  return opening;
}

/**
 * Asks the browser again for the devices that are not open (after the user allowed them in
 * the browser's site settings); keeps what is open. Resolves with the error, if any.
 */
export async function retryLocalMedia(): Promise<LocalMediaError | null> {
  await localMediaSettled();
  opening ??= openMissing().finally(() => {
    opening = null;
  });
  await opening;
  return useStore.getState().local.error;
}

async function openMissing(): Promise<void> {
  const needMic = !localTracks.has('mic');
  const needCamera = !localTracks.has('camera');
  if (!needMic && !needCamera) return;
  useStore.getState().setLocal({ acquiring: true, error: null });
  const { tracks, error } = await open(needMic, needCamera);
  for (const track of tracks) setLocalTrack(track.kind === 'audio' ? 'mic' : 'camera', track);
  useStore.getState().setLocal({ acquiring: false, error });
}

/** Resolves once no getUserMedia request is pending, so the engine publishes what the user allowed. */
export function localMediaSettled(): Promise<void> {
  return opening ?? Promise.resolve();
}

/** Replaces the camera or microphone by another device, closing the old one first. */
export async function switchDevice(source: MediaSource, deviceId: string): Promise<void> {
  const store = useStore.getState();
  store.setDevice(source === 'mic' ? 'micId' : 'cameraId', deviceId);
  await localMediaSettled();
  // Close first: phones and many webcams cannot be opened twice at once.
  setLocalTrack(source, null);
  const { tracks, error } = await open(source === 'mic', source === 'camera');
  for (const track of tracks) setLocalTrack(source, track);
  useStore.getState().setLocal({ error });
}

/** Stops the camera and microphone (leaving, or a fatal error). */
export function releaseLocalMedia(): void {
  setLocalTrack('mic', null);
  setLocalTrack('camera', null);
}

/** Lists cameras, microphones and speakers (labels appear once permission is granted). */
export async function listDevices(): Promise<MediaDeviceInfo[]> {
  // mediaDevices is undefined outside a secure context, whatever its type says.
  if (!(navigator.mediaDevices as MediaDevices | undefined)) return [];
  try {
    return await navigator.mediaDevices.enumerateDevices();
  } catch {
    return [];
  }
}

async function openBoth(): Promise<void> {
  const store = useStore.getState();
  store.setLocal({ acquiring: true, error: null });
  const { tracks, error } = await open(true, true);
  for (const track of tracks) setLocalTrack(track.kind === 'audio' ? 'mic' : 'camera', track);
  useStore.getState().setLocal({ acquiring: false, error });
}

/** getUserMedia with the chosen devices; one missing or busy device does not cost the other. */
async function open(audio: boolean, video: boolean): Promise<{ tracks: MediaStreamTrack[]; error: LocalMediaError | null }> {
  if (!(navigator.mediaDevices as MediaDevices | undefined)) {
    // mediaDevices is undefined on plain-HTTP pages other than localhost.
    return { tracks: [], error: window.isSecureContext ? 'failed' : 'insecure' };
  }
  const { micId, cameraId } = useStore.getState().devices;
  // Known before joining (the join page opens the devices): a studio venue captures with the studio profile.
  const role = useStore.getState().sessionInfo?.participant.role ?? useStore.getState().self?.role;
  const studio = usesStudioProfile(role) ? STUDIO_CAPTURE : null;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: audio && {
        deviceId: micId ? { exact: micId } : undefined,
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
        ...studio?.audio,
      },
      // 540p feeds three simulcast layers (135p / 270p / 540p): sharp enough for the speaker
      // view, light enough for phones and county links. Studios capture 720p at 30 fps (studios/profile.ts).
      video: video && {
        deviceId: cameraId ? { exact: cameraId } : undefined,
        width: { ideal: 960 },
        height: { ideal: 540 },
        frameRate: { ideal: 24, max: 30 },
        ...studio?.video,
      },
    });
    return { tracks: stream.getTracks(), error: null };
  } catch (err) {
    const error = classify(err);
    if (error === 'denied' || !(audio && video)) return { tracks: [], error };
    const [mic, camera] = [await open(true, false), await open(false, true)];
    return { tracks: [...mic.tracks, ...camera.tracks], error: mic.error ?? camera.error };
  }
}

function classify(err: unknown): LocalMediaError {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'notFound';
  return 'failed';
}

/** Installs (or clears) the local track of a source: registry, store key, and unplug handling. */
function setLocalTrack(source: MediaSource, track: MediaStreamTrack | null): void {
  const old = localTracks.get(source);
  if (old) {
    old.stop();
    unregisterTrack(old.id);
    localTracks.delete(source);
  }
  if (track) {
    localTracks.set(source, track);
    registerTrack(track.id, track);
    track.addEventListener('ended', () => {
      // The device was unplugged or revoked by the system.
      if (localTracks.get(source) !== track) return;
      setLocalTrack(source, null);
      useStore.getState().pushToast(source === 'mic' ? 'toast.micEnded' : 'toast.camEnded');
    });
  }
  useStore.getState().setLocal(source === 'mic' ? { micTrackId: track?.id ?? null } : { camTrackId: track?.id ?? null });
}
