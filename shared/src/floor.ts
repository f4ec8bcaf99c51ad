/**
 * The speaking queue and the floor: types shared by the server (which owns them) and
 * the client (which shows them), and the pure arithmetic of the countdown, so both
 * sides compute remaining time the same way from server time.
 */

/** 发言 speech, 插话 short reply to the current speaker, 程序性发言 point of order. */
export const FLOOR_REQUEST_TYPES = ['speech', 'reply', 'order'] as const;
export type FloorRequestType = (typeof FLOOR_REQUEST_TYPES)[number];

/** Time limits in milliseconds; `null` for a type means no limit. */
export interface FloorLimits {
  speech: number;
  reply: number;
  order: number;
  /** After the limit: how long the countdown stays red before the microphone closes. */
  grace: number;
}

export const DEFAULT_FLOOR_LIMITS: FloorLimits = { speech: 180_000, reply: 60_000, order: 60_000, grace: 10_000 };

/** Everyone sees a warning this long before the limit. */
export const FLOOR_WARNING_MS = 30_000;

/** A request to speak, waiting in an agenda item's queue. */
export interface QueueEntry {
  id: string;
  participantId: string;
  agendaItemId: string;
  type: FloorRequestType;
  /** The topic the member gave, if any. */
  note: string;
  requestedAt: number;
  /** Who put it there: the member themself, or the moderator who added them. */
  addedBy: string;
}

/** How a speech ended: the speaker was done, the moderator ended it, time ran out, or the speaker left the consultation. */
export const SPEECH_OUTCOMES = ['done', 'moderator', 'timeout', 'left'] as const;
export type SpeechOutcome = (typeof SPEECH_OUTCOMES)[number];

/** A speech: the floor held by one participant (or a studio as a unit). */
export interface Speech {
  id: string;
  participantId: string;
  siteId: string;
  agendaItemId: string;
  type: FloorRequestType;
  note: string;
  /** The queue entry it came from; null when the moderator gave the floor directly. */
  entryId: string | null;
  grantedAt: number;
  /** The limit when granted plus every extension; null for an open floor (no countdown). */
  limitMs: number | null;
  graceMs: number;
  /** Speaking time counted before `runningSince` (pauses stop the clock). */
  elapsedMs: number;
  /** When the clock last started; null while paused. */
  runningSince: number | null;
  endedAt: number | null;
  outcome: SpeechOutcome | null;
}

/** What every participant is shown of the floor: the current agenda item's queue and speech. */
export interface FloorView {
  agendaItemId: string | null;
  queueOpen: boolean;
  queue: QueueEntry[];
  speech: Speech | null;
  /** Limits in force for the current agenda item. */
  limits: FloorLimits;
  /** Bumped on every change, so a client can drop an older view that arrives late. */
  version: number;
}

/** Milliseconds spoken so far at server time `now`. */
export function speechElapsedMs(speech: Speech, now: number): number {
  const end = speech.endedAt ?? now;
  return speech.elapsedMs + (speech.runningSince === null ? 0 : Math.max(0, end - speech.runningSince));
}

/** Milliseconds left before the limit (negative in overtime); null for an open floor. */
export function speechRemainingMs(speech: Speech, now: number): number | null {
  if (speech.limitMs === null) return null;
  return speech.limitMs - speechElapsedMs(speech, now);
}

export type CountdownPhase = 'open' | 'normal' | 'warning' | 'overtime';

/** How the countdown looks: warning from T−30 s, red (overtime) from T until the grace runs out. */
export function countdownPhase(speech: Speech, now: number): CountdownPhase {
  const remaining = speechRemainingMs(speech, now);
  if (remaining === null) return 'open';
  if (remaining <= 0) return 'overtime';
  if (remaining <= FLOOR_WARNING_MS) return 'warning';
  return 'normal';
}

/**
 * Server time at which the microphone closes by itself (limit + grace), or null when
 * the clock is paused or the floor is open.
 */
export function speechDeadline(speech: Speech): number | null {
  if (speech.limitMs === null || speech.runningSince === null || speech.endedAt !== null) return null;
  return speech.runningSince + (speech.limitMs - speech.elapsedMs) + speech.graceMs;
}

export function limitFor(limits: FloorLimits, type: FloorRequestType): number {
  return limits[type];
}

/**
 * Estimated wait before an entry gets the floor: what is left of the current speech plus
 * the full limit of every entry ahead of it. Null if the entry is not in the queue.
 */
export function estimatedWaitMs(view: FloorView, entryId: string, now: number): number | null {
  const index = view.queue.findIndex((e) => e.id === entryId);
  if (index < 0) return null;
  let wait = 0;
  if (view.speech) {
    const remaining = speechRemainingMs(view.speech, now);
    wait += remaining === null ? 0 : Math.max(0, remaining);
  }
  for (const entry of view.queue.slice(0, index)) wait += limitFor(view.limits, entry.type);
  return wait;
}

/** Where a new request goes: points of order first, then replies, then speeches; first come first served within a type. */
export function insertionIndex(queue: readonly Pick<QueueEntry, 'type'>[], type: FloorRequestType): number {
  const rank = (t: FloorRequestType) => (t === 'order' ? 0 : t === 'reply' ? 1 : 2);
  let index = 0;
  for (let i = 0; i < queue.length; i++) if (rank(queue[i]!.type) <= rank(type)) index = i + 1;
  return index;
}

/** Speaking totals for the chair's fairness view and GET /api/consultations/:id/speeches. */
export interface SpeechTotals {
  count: number;
  totalMs: number;
}

export interface SpeechReport {
  consultationId: string;
  speeches: (Speech & { durationMs: number; name: string; siteName: string })[];
  byParticipant: (SpeechTotals & { participantId: string; name: string; role: string; siteId: string })[];
  bySite: (SpeechTotals & { siteId: string; name: string })[];
}
