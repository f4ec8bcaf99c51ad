import { useEffect, useState } from 'react';
import { useStore } from '../../store';

/** m:ss (or h:mm:ss) of a non-negative duration, whole seconds rounded up: a fresh 3-minute speech shows 3:00. */
export function formatClock(ms: number, round: 'up' | 'down' = 'up'): string {
  const totalSeconds = Math.max(0, round === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * Server time, re-rendering every `intervalMs` while `active`. The countdown ticks
 * five times a second so that it turns over within 200 ms of every other screen.
 */
export function useServerNow(intervalMs: number, active = true): number {
  const offsetMs = useStore((s) => s.clock.offsetMs);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
  return now + offsetMs;
}
