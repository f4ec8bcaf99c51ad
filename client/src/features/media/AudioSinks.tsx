import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import { canChooseSpeaker } from './localMedia';
import { selectAudioConsumerIds } from './slice';
import { getTrack } from './tracks';

/** Plays every remote microphone (and studio feed on air) through a hidden <audio> element on the chosen speaker. */
export function AudioSinks() {
  const consumerIds = useStore(useShallow(selectAudioConsumerIds));
  return (
    <div className="audio-sinks" aria-hidden="true">
      {consumerIds.map((id) => (
        <RemoteAudio key={id} consumerId={id} />
      ))}
    </div>
  );
}

function RemoteAudio({ consumerId }: { consumerId: string }) {
  const ref = useRef<HTMLAudioElement>(null);
  const speakerId = useStore((s) => s.devices.speakerId);

  useEffect(() => {
    const audio = ref.current;
    const track = getTrack(consumerId);
    if (!audio || !track) return;
    audio.srcObject = new MediaStream([track]);
    audio.play().catch((err: unknown) => {
      // Autoplay policy: sound needs a click on this page first.
      if (err instanceof DOMException && err.name === 'NotAllowedError') useStore.getState().setAudioBlocked(true);
    });
    return () => {
      audio.srcObject = null;
    };
  }, [consumerId]);

  useEffect(() => {
    if (!canChooseSpeaker || !ref.current) return;
    ref.current.setSinkId(speakerId ?? '').catch(() => undefined);
  }, [speakerId]);

  return <audio ref={ref} autoPlay data-remote-audio="" />;
}

/** Retries remote audio after a user gesture, once the browser blocked autoplay. */
export function unlockAudio(): void {
  useStore.getState().setAudioBlocked(false);
  for (const audio of document.querySelectorAll<HTMLAudioElement>('audio[data-remote-audio]')) {
    audio.play().catch(() => useStore.getState().setAudioBlocked(true));
  }
}
