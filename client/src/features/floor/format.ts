/** Pure helpers of the floor display and the clock estimate (no store, no DOM: unit-tested in node). */

/** m:ss (or h:mm:ss) of a non-negative duration, whole seconds rounded up: a fresh 3-minute speech shows 3:00. */
export function formatClock(ms: number, round: 'up' | 'down' = 'up'): string {
  const totalSeconds = Math.max(0, round === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** One time.sync round trip: local clock when the answer came, its round trip, and the server's time in it. */
export interface ClockSample {
  receivedAt: number;
  rttMs: number;
  serverTime: number;
}

/**
 * The offset (server − local) from the sample with the shortest round trip, assuming the
 * server answered half-way through it; null without samples.
 */
export function bestOffset(samples: readonly ClockSample[]): { offsetMs: number; rttMs: number } | null {
  let best: ClockSample | null = null;
  for (const sample of samples) if (!best || sample.rttMs < best.rttMs) best = sample;
  if (!best) return null;
  return { offsetMs: Math.round(best.serverTime + best.rttMs / 2 - best.receivedAt), rttMs: Math.round(best.rttMs) };
}
