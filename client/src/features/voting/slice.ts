import type { StateCreator } from 'zustand';
import { can, type BallotOpening, type MotionView, type NamedChoices, type PublishedBallots } from '@consult/shared';
import type { AppState } from '../../store';
import { mergeMotion } from './logic';

/** What this participant knows of their own ballot on one motion. */
export interface OwnBallot {
  voted: boolean;
  /** What was recorded: from the server for named ballots, from this device for secret ones; null when unknown. */
  choices: string[] | null;
  /** Sent and not acknowledged yet (or the answer was lost): retried with the same ballot id. */
  pending: { ballotId: string; choices: string[] } | null;
  sending: boolean;
  /** The last send got no answer (timeout, offline): whether it counted is unknown until a retry answers. */
  unconfirmed: boolean;
  /** Refused as not on the roll (not present at the opening). */
  ineligible: boolean;
}

/** The published commitments of a closed secret motion, as far as this page fetched them. */
export type PublishedList = { status: 'loading' } | { status: 'loaded'; published: PublishedBallots } | { status: 'failed' };

export interface VotingState {
  /** Every motion of the consultation, by id, with live turnout (`turnout`) and, once closed, the result. */
  motions: Record<string, MotionView>;
  /** Moderators, named ballots: participant id → choices, live. */
  named: Record<string, Record<string, string[]>>;
  /** Own ballots by motion id. */
  mine: Record<string, OwnBallot>;
  /** Secret ballots: the opening (nonce, choices) of this device's last ballot, by motion id, until it is found counted. */
  openings: Record<string, BallotOpening>;
  /** Secret ballots this device checked after the close and found counted (their openings are forgotten). */
  verified: string[];
  /** Secret ballots after the close, by motion id. */
  published: Record<string, PublishedList>;
  /** Result announcements this page closed. */
  dismissed: string[];
}

export interface VotingSlice {
  voting: VotingState;
  /** All motions from a join snapshot or motion.list (replaces the list). */
  setMotions: (list: MotionView[]) => void;
  /** One motion from a push or an ack; never moves a motion back (see mergeMotion). */
  upsertMotion: (view: MotionView) => void;
  applyTurnout: (turnout: { motionId: string; voted: number; eligible: number }[]) => void;
  setNamedChoices: (named: NamedChoices) => void;
  patchOwnBallot: (motionId: string, patch: Partial<OwnBallot>) => void;
  setOpening: (motionId: string, opening: BallotOpening | null) => void;
  /** The device found its last ballot counted: it keeps that fact and forgets the opening. */
  markVerified: (motionId: string) => void;
  setPublished: (motionId: string, list: PublishedList) => void;
  dismissResult: (motionId: string) => void;
  resetVoting: () => void;
}

const EMPTY: VotingState = { motions: {}, named: {}, mine: {}, openings: {}, verified: [], published: {}, dismissed: [] };

export const NO_BALLOT: OwnBallot = { voted: false, choices: null, pending: null, sending: false, unconfirmed: false, ineligible: false };

export const createVotingSlice: StateCreator<AppState, [], [], VotingSlice> = (set) => {
  const update = (change: (v: VotingState) => Partial<VotingState> | null) =>
    set((s) => {
      const patch = change(s.voting);
      return patch ? { voting: { ...s.voting, ...patch } } : s;
    });
  return {
    voting: EMPTY,
    setMotions: (list) =>
      update((v) => ({
        // A snapshot is newer than anything we hold, except that a close seen by push stays closed.
        motions: Object.fromEntries(
          list.map((m) => [m.definition.id, v.motions[m.definition.id]?.status === 'closed' && m.status !== 'closed' ? v.motions[m.definition.id]! : m]),
        ),
      })),
    upsertMotion: (view) =>
      update((v) => {
        const merged = mergeMotion(v.motions[view.definition.id], view);
        return merged === v.motions[view.definition.id] ? null : { motions: { ...v.motions, [view.definition.id]: merged } };
      }),
    applyTurnout: (turnout) =>
      update((v) => {
        let motions: Record<string, MotionView> | null = null;
        for (const { motionId, voted, eligible } of turnout) {
          const m: MotionView | undefined = (motions ?? v.motions)[motionId];
          // Only an open motion's count moves; a closed one carries its final turnout.
          if (!m || m.status !== 'open' || (m.turnout.voted === voted && m.turnout.eligible === eligible)) continue;
          motions = { ...(motions ?? v.motions), [motionId]: { ...m, turnout: { voted, eligible } } };
        }
        return motions ? { motions } : null;
      }),
    setNamedChoices: ({ motionId, choices }) => update((v) => ({ named: { ...v.named, [motionId]: choices } })),
    patchOwnBallot: (motionId, patch) => update((v) => ({ mine: { ...v.mine, [motionId]: { ...(v.mine[motionId] ?? NO_BALLOT), ...patch } } })),
    setOpening: (motionId, opening) =>
      update((v) => {
        if (opening) return { openings: { ...v.openings, [motionId]: opening } };
        const { [motionId]: _gone, ...rest } = v.openings;
        return { openings: rest };
      }),
    markVerified: (motionId) =>
      update((v) => {
        const { [motionId]: _gone, ...openings } = v.openings;
        return { openings, verified: v.verified.includes(motionId) ? v.verified : [...v.verified, motionId] };
      }),
    setPublished: (motionId, list) => update((v) => ({ published: { ...v.published, [motionId]: list } })),
    dismissResult: (motionId) => update((v) => (v.dismissed.includes(motionId) ? null : { dismissed: [...v.dismissed, motionId] })),
    resetVoting: () => set({ voting: EMPTY }),
  };
};

/** Whether this participant votes (members only). */
export function selectMayVote(state: AppState): boolean {
  return state.self ? can(state.self.role, 'motion.vote') : false;
}

export function selectModerates(state: AppState): boolean {
  return state.self ? can(state.self.role, 'consultation.moderate') : false;
}

/** The motion open now, if any (the server allows one at a time). */
export function selectOpenMotion(state: AppState): MotionView | null {
  for (const m of Object.values(state.voting.motions)) if (m.status === 'open') return m;
  return null;
}

/** The most recently closed motion, if any. */
export function selectLatestClosed(state: AppState): MotionView | null {
  let latest: MotionView | null = null;
  for (const m of Object.values(state.voting.motions)) {
    if (m.status === 'closed' && (!latest || (m.closedAt ?? 0) > (latest.closedAt ?? 0))) latest = m;
  }
  return latest;
}

export function selectOwnBallot(state: AppState, motionId: string): OwnBallot {
  return state.voting.mine[motionId] ?? NO_BALLOT;
}
