export { formatClock } from './format';
import { useEffect, useState } from 'react';
import { useStore } from '../../store';

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
