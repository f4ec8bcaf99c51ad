import { useStore } from '../../store';
import { request } from '../../net/socket';
import { bestOffset, type ClockSample } from './format';

/**
 * The client's estimate of server time, so every screen shows the same countdown.
 * NTP's idea in small: several time.sync round trips, keep the one with the shortest
 * round trip (least queueing), and assume the server answered half-way through it.
 */

const SAMPLES_AT_JOIN = 5;
const SAMPLES_ON_REFRESH = 3;
/** Clocks drift and networks change: measure again this often. */
export const CLOCK_REFRESH_MS = 30_000;

let timer: number | null = null;
/** Bumped by start/stop, so a sync that finishes after a newer start is dropped. */
let run = 0;

const store = () => useStore.getState();

/** Starts from the join snapshot's server time, measures properly, then refreshes periodically. */
export function startClockSync(joinServerTime: number): void {
  stopClockSync();
  const current = ++run;
  // A first guess (one-way delay unknown) until the measurement answers.
  if (store().clock.method !== 'sync') store().setClock({ offsetMs: joinServerTime - Date.now(), rttMs: null, method: 'join' });
  void measure(current, SAMPLES_AT_JOIN);
  timer = window.setInterval(() => void measure(current, SAMPLES_ON_REFRESH), CLOCK_REFRESH_MS);
}

export function stopClockSync(): void {
  run++;
  if (timer !== null) window.clearInterval(timer);
  timer = null;
}

/**
 * A server time carried by a push (floor.changed): used only while no round-trip
 * measurement exists, since its one-way delay is unknown.
 */
export function noteServerTime(serverTime: number): void {
  const { method } = store().clock;
  if (method === 'sync') return;
  store().setClock({ offsetMs: serverTime - Date.now(), rttMs: null, method: 'push' });
}

async function measure(current: number, count: number): Promise<void> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    try {
      const reply = await request('time.sync', { clientTime: Date.now() });
      samples.push({ receivedAt: Date.now(), rttMs: performance.now() - started, serverTime: reply.serverTime });
    } catch {
      // Offline or slow: keep what we have; the next refresh tries again.
      break;
    }
    if (current !== run) return;
  }
  const best = bestOffset(samples);
  if (!best || current !== run) return;
  store().setClock({ ...best, method: 'sync' });
}
