import type { StateCreator } from 'zustand';
import { alwaysOnAir, publishes, type FloorView, type QueueEntry, type Role, type SpeechReport } from '@consult/shared';
import type { AppState } from '../../store';

/** How the client's estimate of server time was obtained, best last. */
export type ClockMethod = 'none' | 'join' | 'push' | 'sync';

/** serverTime ≈ Date.now() + offsetMs. */
export interface ClockState {
  offsetMs: number;
  /** Round trip of the sample the offset comes from (time.sync only). */
  rttMs: number | null;
  method: ClockMethod;
}

export interface FloorSlice {
  /** The current agenda item's queue and speech, as the server last sent it. */
  floor: FloorView | null;
  clock: ClockState;
  /** The speaking record (moderators only). */
  floorReport: SpeechReport | null;
  /** Takes a view unless it is older than the one we have (`force`: a join snapshot, always taken). */
  setFloor: (view: FloorView | null, options?: { force?: boolean }) => void;
  setClock: (clock: ClockState) => void;
  setFloorReport: (report: SpeechReport | null) => void;
}

export const createFloorSlice: StateCreator<AppState, [], [], FloorSlice> = (set) => ({
  floor: null,
  clock: { offsetMs: 0, rttMs: null, method: 'none' },
  floorReport: null,
  setFloor: (view, options) =>
    set((s) => {
      // Pushes and acks can cross: a view older than ours arrived late.
      if (view && s.floor && !options?.force && view.version < s.floor.version) return s;
      return { floor: view };
    }),
  setClock: (clock) => set({ clock }),
  setFloorReport: (floorReport) => set({ floorReport }),
});

/** Server time now, from the local clock and the estimated offset. */
export function serverNow(state: Pick<AppState, 'clock'>): number {
  return Date.now() + state.clock.offsetMs;
}

/** Roles whose microphone opens only with the floor (members and studios; not the moderator). */
export function micFollowsFloor(role: Role): boolean {
  return publishes(role) && !alwaysOnAir(role);
}

/** Who holds the floor now, if anyone. */
export function selectFloorHolderId(state: AppState): string | null {
  return state.floor?.speech?.participantId ?? null;
}

export function selectSelfHoldsFloor(state: AppState): boolean {
  const selfId = state.self?.id;
  return selfId !== undefined && selectFloorHolderId(state) === selfId;
}

/** Whether our microphone may be opened now: always for the moderator, with the floor for members. */
export function selectMayOpenMic(state: AppState): boolean {
  const self = state.self;
  if (!self) return false;
  return !micFollowsFloor(self.role) || selectSelfHoldsFloor(state);
}

/** Our own request in the queue, if we are waiting. */
export function selectOwnEntry(state: AppState): QueueEntry | undefined {
  const selfId = state.self?.id;
  return selfId === undefined ? undefined : state.floor?.queue.find((e) => e.participantId === selfId);
}

/** A participant's name, also for someone who has left meanwhile (from the roster), else null. */
export function selectName(state: AppState, participantId: string): string | null {
  return (
    state.participants[participantId]?.name ??
    state.roster[participantId]?.name ??
    state.floorReport?.byParticipant.find((p) => p.participantId === participantId)?.name ??
    null
  );
}

/** A site's name, or null for an unknown site. */
export function selectSiteName(state: AppState, siteId: string | undefined): string | null {
  if (siteId === undefined) return null;
  return state.consultation?.sites.find((site) => site.id === siteId)?.name ?? null;
}

/** A participant's site id, from presence or the roster. */
export function selectSiteId(state: AppState, participantId: string): string | undefined {
  return (
    state.participants[participantId]?.siteId ??
    state.roster[participantId]?.siteId ??
    state.floorReport?.byParticipant.find((p) => p.participantId === participantId)?.siteId
  );
}
