import { useEffect, useRef, useState } from 'react';
import { getTrack } from './tracks';

/**
 * Plays the registry track under `trackKey` in a <video> element and reports
 * whether frames are actually playing (for placeholders and `data-has-video`).
 */
export function useTrackPlayback(trackKey: string | null) {
  const ref = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    const video = ref.current;
    const track = getTrack(trackKey);
    setPlaying(false);
    if (!video || !track) return;
    const onPlaying = () => setPlaying(true);
    const onStopped = () => setPlaying(false);
    video.addEventListener('playing', onPlaying);
    video.addEventListener('emptied', onStopped);
    track.addEventListener('ended', onStopped);
    video.srcObject = new MediaStream([track]);
    // Muted video may autoplay everywhere; a refusal just leaves the placeholder.
    video.play().catch(() => undefined);
    return () => {
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('emptied', onStopped);
      track.removeEventListener('ended', onStopped);
      video.srcObject = null;
    };
  }, [trackKey]);

  return { ref, playing };
}

/** One or two letters standing for a name on a tile without video. */
export function initials(name: string): string {
  const trimmed = name.trim();
  // CJK names: the family name character reads naturally on its own.
  if (/^[\u3400-\u9fff\uf900-\ufaff]/.test(trimmed)) return trimmed.slice(0, 1);
  return trimmed
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word.slice(0, 1).toUpperCase())
    .join('');
}
