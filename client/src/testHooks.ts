import { useStore } from './store';
import type { FloorView } from '@consult/shared';
import type { VotingState } from './features/voting/slice';
import { transportStats } from './features/media/engine';
import { serverNow } from './features/floor/slice';

/** What browser tests may call on `window.__consultation`. */
export interface ConsultationTestHooks {
  /** Both transports' WebRTC stats as plain objects: `{ recv, send }`. */
  stats: () => Promise<{ recv: unknown[]; send: unknown[] }>;
  /** Same as `stats`, under the name some tests use. */
  getStats: () => Promise<{ recv: unknown[]; send: unknown[] }>;
  /** A plain copy of the store's data (ids and flags; no functions). */
  state: () => Record<string, unknown>;
  /** Motions, turnout, named choices (moderators), own ballots, secret ballots' openings and checks, published commitments (also in `state().voting`). */
  voting: () => VotingState;
  /** The floor view this page shows (also in `state().floor`). */
  floor: () => FloorView | null;
  /** Estimated server time minus local time, in ms (also in `state().clock`). */
  clockOffset: () => number;
  /** This page's estimate of the server's clock now. */
  serverNow: () => number;
}

declare global {
  interface Window {
    __consultation?: ConsultationTestHooks;
  }
}

/** Installs `window.__consultation`; read-only helpers that change nothing for users. */
export function installTestHooks(): void {
  window.__consultation = {
    stats: transportStats,
    getStats: transportStats,
    state: () => JSON.parse(JSON.stringify(useStore.getState())) as Record<string, unknown>,
    voting: () => structuredClone(useStore.getState().voting),
    floor: () => structuredClone(useStore.getState().floor),
    clockOffset: () => useStore.getState().clock.offsetMs,
    serverNow: () => serverNow(useStore.getState()),
  };
}
