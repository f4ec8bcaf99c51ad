import {
  AppError,
  ErrorCode,
  invalidState,
  notFound,
  type MinutesDocument,
  type MinutesVersionInfo,
  type Participant,
  type TranscriptGap,
  type TranscriptSegment,
} from '@consult/shared';
import { eventGuard, fold, type FoldTable } from './events.js';

/**
 * The transcript and the minutes' sign-off as pure transitions over the consultation
 * log. Final segments are events; partial captions are not (they are broadcast only).
 * Every correction is kept with who made it and when.
 */

export type TranscriptEvent =
  | { type: 'transcript.segment'; data: Omit<TranscriptSegment, 'edits' | 'text'> & { text: string } }
  | { type: 'transcript.gap'; data: TranscriptGap }
  | { type: 'transcript.edited'; data: { segmentId: string; text: string; by: string; at: number } }
  | { type: 'minutes.submitted'; data: { version: number; by: string; at: number } }
  | { type: 'minutes.approved'; data: { version: number; by: string; at: number; hash: string; document: MinutesDocument } }
  | { type: 'minutes.reopened'; data: { version: number; previousHash: string | null; by: string; at: number } };

export interface TranscriptState {
  segments: TranscriptSegment[];
  /** Index of segments by id (into `segments`). */
  byId: Record<string, number>;
  gaps: TranscriptGap[];
  minutes: MinutesVersionInfo;
  /** Locked documents by version. */
  approved: Record<number, { hash: string; document: MinutesDocument }>;
}

export function initialTranscript(): TranscriptState {
  return {
    segments: [],
    byId: {},
    gaps: [],
    minutes: { version: 1, status: 'draft', submittedBy: null, submittedAt: null, approvedBy: null, approvedAt: null, hash: null, previousHash: null },
    approved: {},
  };
}

/** How each transcript event changes the transcript. The segment list is appended in place (a long day has thousands). */
const FOLD: FoldTable<TranscriptEvent, TranscriptState> = {
  'transcript.segment': (t, data) => {
    t.byId[data.id] = t.segments.length;
    t.segments.push({ ...data, edits: [] });
    return t;
  },
  'transcript.gap': (t, data) => {
    t.gaps.push(data);
    return t;
  },
  'transcript.edited': (t, data) => {
    const index = t.byId[data.segmentId];
    if (index === undefined) return t;
    const seg = t.segments[index]!;
    t.segments[index] = { ...seg, text: data.text, edits: [...seg.edits, { text: data.text, by: data.by, at: data.at }] };
    return t;
  },
  'minutes.submitted': (t, data) => ({ ...t, minutes: { ...t.minutes, status: 'submitted', submittedBy: data.by, submittedAt: data.at } }),
  'minutes.approved': (t, data) => ({
    ...t,
    minutes: { ...t.minutes, status: 'approved', approvedBy: data.by, approvedAt: data.at, hash: data.hash },
    approved: { ...t.approved, [data.version]: { hash: data.hash, document: data.document } },
  }),
  'minutes.reopened': (t, data) => ({
    ...t,
    minutes: {
      version: data.version,
      status: 'draft',
      submittedBy: null,
      submittedAt: null,
      approvedBy: null,
      approvedAt: null,
      hash: null,
      previousHash: data.previousHash || null,
    },
  }),
};

/** Whether an event is one of the transcript's. */
export const isTranscriptEvent = eventGuard<TranscriptEvent, TranscriptState>(FOLD);

export function applyTranscriptEvent(t: TranscriptState, event: TranscriptEvent): TranscriptState {
  return fold(FOLD, t, event, 0);
}

/** A change to the transcript after approval opens a new version that links to the approved one. */
function reopenIfLocked(t: TranscriptState, by: string, at: number): TranscriptEvent[] {
  if (t.minutes.status !== 'approved') return [];
  return [{ type: 'minutes.reopened', data: { version: t.minutes.version + 1, previousHash: t.minutes.hash!, by, at } }];
}

export function decideEdit(t: TranscriptState, actor: Participant, segmentId: string, text: string, now: number): TranscriptEvent[] {
  const index = t.byId[segmentId];
  if (index === undefined) throw notFound(`segment ${segmentId}`);
  if (t.minutes.status === 'submitted') throw invalidState('the draft is with the moderator for approval; ask them to send it back first');
  if (t.segments[index]!.text === text) return [];
  return [...reopenIfLocked(t, actor.id, now), { type: 'transcript.edited', data: { segmentId, text, by: actor.id, at: now } }];
}

/** The clerk records words spoken off the floor (in the room at a studio, say), for a chosen speaker. */
export function decideAddEntry(
  t: TranscriptState,
  actor: Participant,
  input: { id: string; agendaItemId: string; speaker: Participant; text: string; at: number },
  now: number,
): TranscriptEvent[] {
  if (t.minutes.status === 'submitted') throw invalidState('the draft is with the moderator for approval; ask them to send it back first');
  return [
    ...reopenIfLocked(t, actor.id, now),
    {
      type: 'transcript.segment',
      data: {
        id: input.id,
        agendaItemId: input.agendaItemId,
        speechId: null,
        participantId: input.speaker.id,
        name: input.speaker.name,
        siteId: input.speaker.siteId,
        startedAt: input.at,
        endedAt: input.at,
        text: input.text,
        recognised: '',
        confidence: null,
        engine: 'clerk',
        hasClip: false,
        offFloor: true,
      },
    },
    { type: 'transcript.edited', data: { segmentId: input.id, text: input.text, by: actor.id, at: now } },
  ];
}

export function decideSubmit(t: TranscriptState, actor: Participant, now: number): TranscriptEvent[] {
  if (t.minutes.status !== 'draft') throw new AppError(ErrorCode.STALE, `the minutes are already ${t.minutes.status}`);
  return [{ type: 'minutes.submitted', data: { version: t.minutes.version, by: actor.id, at: now } }];
}

/** The moderator approves the submitted draft: it is locked and hash-stamped. */
export function decideApprove(
  t: TranscriptState,
  actor: Participant,
  version: number,
  document: MinutesDocument,
  hash: string,
  now: number,
): TranscriptEvent[] {
  if (t.minutes.version !== version) throw new AppError(ErrorCode.STALE, `version ${version} is not the current draft (${t.minutes.version})`);
  if (t.minutes.status !== 'submitted')
    throw invalidState(t.minutes.status === 'approved' ? 'these minutes are already approved' : 'the clerk has not submitted the draft yet');
  return [{ type: 'minutes.approved', data: { version, by: actor.id, at: now, hash, document } }];
}

/** The moderator sends a submitted draft back to the clerk. */
export function decideReturn(t: TranscriptState, actor: Participant, now: number): TranscriptEvent[] {
  if (t.minutes.status !== 'submitted') throw invalidState('only a submitted draft can be sent back');
  return [{ type: 'minutes.reopened', data: { version: t.minutes.version, previousHash: t.minutes.previousHash, by: actor.id, at: now } }];
}
