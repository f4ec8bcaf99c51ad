import type { StateCreator } from 'zustand';
import {
  can,
  type CaptionPartial,
  type JoinReply,
  type MinutesDocument,
  type MinutesVersionInfo,
  type Participant,
  type TranscriptEngineInfo,
  type TranscriptGap,
  type TranscriptSegment,
  type TranscriptSnapshot,
} from '@consult/shared';
import type { AppState } from '../../store';
import { orderSegments, partialAfterFinal, trimForCaptions, upsertSegment } from './logic';

const CAPTIONS_KEY = 'consult.captions';

export interface TranscriptState {
  /** Which recogniser runs for the consultation's language (from the join reply). */
  engine: TranscriptEngineInfo | null;
  /** The minutes' version and sign-off. */
  minutes: MinutesVersionInfo | null;
  /** Final segments in time order: all of them for the clerk and the moderator, the latest for the captions otherwise. */
  segments: TranscriptSegment[];
  gaps: TranscriptGap[];
  /** The utterance in progress of the current speech. */
  partial: CaptionPartial | null;
  /** The speech being transcribed when the snapshot was taken. */
  activeSpeechId: string | null;
  /** Whether the whole transcript was fetched (record keepers) or only pushes are kept. */
  loaded: boolean;
  /** The last minutes preview fetched (minutes.draft). */
  draft: MinutesDocument | null;
  /** Everyone invited, present or not: speakers for an off-floor entry, names in the edit history. */
  invited: Participant[];
  /** The member's choice, remembered on this browser. */
  captionsOn: boolean;
}

export interface TranscriptSlice {
  transcript: TranscriptState;
  applyTranscriptJoin: (reply: JoinReply) => void;
  setTranscriptSnapshot: (snapshot: TranscriptSnapshot) => void;
  upsertSegment: (segment: TranscriptSegment) => void;
  setPartial: (partial: CaptionPartial | null) => void;
  addGap: (gap: TranscriptGap) => void;
  setMinutes: (minutes: MinutesVersionInfo) => void;
  setMinutesDraft: (draft: MinutesDocument | null) => void;
  setCaptionsOn: (on: boolean) => void;
  resetTranscript: () => void;
}

function initialCaptionsOn(): boolean {
  try {
    return window.localStorage.getItem(CAPTIONS_KEY) !== 'off';
  } catch {
    return true;
  }
}

const EMPTY: Omit<TranscriptState, 'captionsOn'> = {
  engine: null,
  minutes: null,
  segments: [],
  gaps: [],
  partial: null,
  activeSpeechId: null,
  loaded: false,
  draft: null,
  invited: [],
};

/** Whether this participant reads the whole transcript and the minutes (clerk, moderator). */
export function selectReadsMinutes(state: AppState): boolean {
  return state.self ? can(state.self.role, 'minutes.read') : false;
}

export function selectEditsMinutes(state: AppState): boolean {
  return state.self ? can(state.self.role, 'minutes.edit') : false;
}

export const createTranscriptSlice: StateCreator<AppState, [], [], TranscriptSlice> = (set) => {
  const update = (change: (t: TranscriptState, s: AppState) => Partial<TranscriptState> | null) =>
    set((s) => {
      const patch = change(s.transcript, s);
      return patch ? { transcript: { ...s.transcript, ...patch } } : s;
    });
  return {
    transcript: { ...EMPTY, captionsOn: initialCaptionsOn() },
    applyTranscriptJoin: (reply) =>
      update(() => ({
        engine: reply.transcript.engine,
        minutes: reply.transcript.minutes,
        invited: reply.roster,
      })),
    setTranscriptSnapshot: (snapshot) =>
      update((t) => ({
        engine: snapshot.engine,
        minutes: snapshot.minutes,
        segments: orderSegments(snapshot.segments),
        gaps: snapshot.gaps,
        activeSpeechId: snapshot.activeSpeechId,
        // A partial of a speech that is no longer transcribed is over.
        partial: t.partial && t.partial.speechId === snapshot.activeSpeechId ? t.partial : null,
        loaded: true,
      })),
    upsertSegment: (segment) =>
      update((t, s) => {
        const known = t.segments.some((x) => x.id === segment.id);
        const segments = upsertSegment(t.segments, segment);
        return {
          segments: t.loaded ? segments : trimForCaptions(segments, s.floor?.speech?.id ?? null),
          partial: known ? t.partial : partialAfterFinal(t.partial, segment),
        };
      }),
    setPartial: (partial) => update(() => ({ partial: partial && partial.text.trim() !== '' ? partial : null })),
    addGap: (gap) => update((t) => (t.gaps.some((g) => g.speechId === gap.speechId && g.at === gap.at) ? null : { gaps: [...t.gaps, gap] })),
    setMinutes: (minutes) => update(() => ({ minutes })),
    setMinutesDraft: (draft) => update(() => ({ draft })),
    setCaptionsOn: (captionsOn) => {
      try {
        window.localStorage.setItem(CAPTIONS_KEY, captionsOn ? 'on' : 'off');
      } catch {
        // Not remembered, but the switch applies to this page.
      }
      update(() => ({ captionsOn }));
    },
    resetTranscript: () => set((s) => ({ transcript: { ...EMPTY, captionsOn: s.transcript.captionsOn } })),
  };
};
