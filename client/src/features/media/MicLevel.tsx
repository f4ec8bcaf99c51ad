import { useEffect, useRef } from 'react';
import { useT } from '../../i18n';
import { getTrack } from './tracks';

/** How much of the previous level survives a frame: the bar falls smoothly instead of flickering. */
const DECAY = 0.85;

/** A bar following the microphone's loudness (AnalyserNode RMS), drawn outside React for 60 fps. */
export function MicLevel({ trackId }: { trackId: string | null }) {
  const t = useT();
  const meterRef = useRef<HTMLDivElement>(null);
  const barRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const meter = meterRef.current;
    const bar = barRef.current;
    const track = getTrack(trackId);
    if (!meter || !bar) return;
    const show = (level: number) => {
      bar.style.transform = `scaleX(${level})`;
      meter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
    };
    show(0);
    if (!track) return;

    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    // A context created without a user gesture may start suspended; any click or key wakes it.
    const resume = () => void context.resume().catch(() => undefined);
    resume();
    document.addEventListener('pointerdown', resume);
    document.addEventListener('keydown', resume);

    let level = 0;
    let frame = 0;
    let lastShown = 0;
    const draw = (now: number) => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      // Speech RMS sits around 0.02–0.3; the square root spreads it over the bar.
      level = Math.max(Math.min(1, Math.sqrt(rms) * 1.8), level * DECAY);
      bar.style.transform = `scaleX(${level})`;
      if (now - lastShown > 250) {
        meter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
        lastShown = now;
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);

    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('pointerdown', resume);
      document.removeEventListener('keydown', resume);
      source.disconnect();
      void context.close();
    };
  }, [trackId]);

  return (
    <div className="meter" ref={meterRef} role="meter" aria-valuemin={0} aria-valuemax={100} aria-label={t('join.micLevel')}>
      <div className="meter__bar" ref={barRef} />
    </div>
  );
}
