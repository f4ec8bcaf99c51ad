import { eventGuard, fold, type FoldTable } from './events.js';
import {
  AppError,
  DEFAULT_FLOOR_LIMITS,
  alwaysOnAir,
  ErrorCode,
  can,
  forbidden,
  insertionIndex,
  invalidState,
  limitFor,
  notFound,
  speechDeadline,
  speechElapsedMs,
  type Consultation,
  type FloorLimits,
  type FloorRequestType,
  type FloorView,
  type Participant,
  type QueueEntry,
  type Speech,
  type SpeechOutcome,
  type SpeechReport,
} from '@consult/shared';

/**
 * The speaking queue and the floor as pure transitions: `decide*` functions check a
 * command against the state and return the events it causes (or throw an AppError);
 * `applyFloorEvent` folds an event into the state. Time is always passed in.
 */

/** The agenda item used when a consultation has no agenda. */
export const GENERAL_ITEM = 'general';

export type FloorEvent =
  | { type: 'floor.requested'; data: QueueEntry }
  /** `reason: 'left'`: withdrawn for the member because they left the consultation (no `reason`: by a request). */
  | { type: 'floor.withdrawn'; data: { entryId: string; by: string; reason?: 'left' } }
  | { type: 'floor.rejected'; data: { entryId: string; participantId: string; reason: string; by: string } }
  | { type: 'floor.reordered'; data: { entryId: string; toIndex: number } }
  | { type: 'floor.granted'; data: Speech }
  | { type: 'floor.ended'; data: { speechId: string; endedAt: number; outcome: SpeechOutcome; by: string | null } }
  | { type: 'floor.paused'; data: { speechId: string; at: number } }
  | { type: 'floor.resumed'; data: { speechId: string; at: number } }
  | { type: 'floor.extended'; data: { speechId: string; addMs: number } }
  | { type: 'floor.limitsSet'; data: { agendaItemId: string | null; limits: Partial<FloorLimits> } }
  | { type: 'floor.queueSet'; data: { agendaItemId: string; open: boolean } }
  | { type: 'agenda.advanced'; data: { from: string; to: string } };

export interface FloorState {
  agendaItemId: string;
  /** Agenda items whose queue the moderator closed (open is the default). */
  closedQueues: string[];
  queues: Record<string, QueueEntry[]>;
  speech: Speech | null;
  /** Ended speeches, oldest first: the speaking record. */
  speeches: Speech[];
  defaults: FloorLimits;
  itemLimits: Record<string, Partial<FloorLimits>>;
  version: number;
}

export function initialFloor(consultation: Consultation): FloorState {
  return {
    agendaItemId: consultation.agenda[0]?.id ?? GENERAL_ITEM,
    closedQueues: [],
    queues: {},
    speech: null,
    speeches: [],
    defaults: { ...DEFAULT_FLOOR_LIMITS },
    itemLimits: {},
    version: 0,
  };
}

export function limitsFor(floor: FloorState, agendaItemId: string): FloorLimits {
  return { ...floor.defaults, ...floor.itemLimits[agendaItemId] };
}

export function floorView(floor: FloorState): FloorView {
  return {
    agendaItemId: floor.agendaItemId,
    queueOpen: !floor.closedQueues.includes(floor.agendaItemId),
    queue: floor.queues[floor.agendaItemId] ?? [],
    speech: floor.speech,
    limits: limitsFor(floor, floor.agendaItemId),
    version: floor.version,
  };
}

/** What a decision needs besides the state. */
export interface FloorContext {
  consultation: Consultation;
  floor: FloorState;
  actor: Participant;
  now: number;
  newId: () => string;
}

const currentQueue = (floor: FloorState) => floor.queues[floor.agendaItemId] ?? [];

function participant(consultation: Consultation, id: string): Participant {
  const p = consultation.participants.find((x) => x.id === id);
  if (!p) throw notFound(`participant ${id}`);
  return p;
}

function entry(floor: FloorState, entryId: string): QueueEntry {
  const found = currentQueue(floor).find((e) => e.id === entryId);
  if (!found) throw new AppError(ErrorCode.STALE, `entry ${entryId} is not in the queue (granted, withdrawn or rejected already)`);
  return found;
}

function currentSpeech(floor: FloorState, speechId: string): Speech {
  if (!floor.speech || floor.speech.id !== speechId) {
    throw new AppError(ErrorCode.STALE, `speech ${speechId} is not on the floor any more`);
  }
  return floor.speech;
}

const isModerator = (p: Participant) => can(p.role, 'consultation.moderate');

/**
 * Who may ask for the floor for whom: a member or studio for themself, the moderator for anyone.
 * (Whether that someone may be queued at all is the queue's rule, in `decideRequest`.)
 */
export function authorizeRequest(actor: Participant, participantId: string | undefined): void {
  if (participantId !== undefined && participantId !== actor.id) {
    if (!isModerator(actor)) throw forbidden('only the moderator may add someone else to the queue');
  } else if (!can(actor.role, 'floor.request')) {
    throw forbidden(`a ${actor.role} does not request the floor`);
  }
}

/** A request is withdrawn by the one who made it, or by the moderator. */
export function authorizeWithdraw(floor: FloorState, actor: Participant, entryId: string): void {
  const found = entry(floor, entryId);
  if (found.participantId !== actor.id && !isModerator(actor)) throw forbidden('you may withdraw only your own request');
}

/** A speech is ended by its speaker, or by the moderator. */
export function authorizeEnd(floor: FloorState, actor: Participant, speechId: string): void {
  const speech = currentSpeech(floor, speechId);
  if (speech.participantId !== actor.id && !isModerator(actor)) throw forbidden('only the speaker or the moderator may end a speech');
}

/** A member asks for the floor, or the moderator adds someone (see `authorizeRequest`). Asking twice returns the existing entry. */
export function decideRequest(
  ctx: FloorContext,
  input: { type: FloorRequestType; note: string; participantId?: string | undefined },
): { events: FloorEvent[]; entryId: string; created: boolean } {
  const { floor, actor, consultation } = ctx;
  const speakerId = input.participantId ?? actor.id;
  const speaker = participant(consultation, speakerId);
  if (!can(speaker.role, 'floor.request')) throw forbidden(`a ${speaker.role} cannot be put in the speaking queue`);
  const existing = currentQueue(floor).find((e) => e.participantId === speakerId);
  if (existing) return { events: [], entryId: existing.id, created: false };
  if (floor.closedQueues.includes(floor.agendaItemId) && !isModerator(actor)) {
    throw invalidState('the speaking queue for this agenda item is closed');
  }
  const created: QueueEntry = {
    id: ctx.newId(),
    participantId: speakerId,
    agendaItemId: floor.agendaItemId,
    type: input.type,
    note: input.note,
    requestedAt: ctx.now,
    addedBy: actor.id,
  };
  return { events: [{ type: 'floor.requested', data: created }], entryId: created.id, created: true };
}

export function decideWithdraw(ctx: FloorContext, entryId: string): FloorEvent[] {
  entry(ctx.floor, entryId);
  return [{ type: 'floor.withdrawn', data: { entryId, by: ctx.actor.id } }];
}

export function decideReject(ctx: FloorContext, entryId: string, reason: string): FloorEvent[] {
  const found = entry(ctx.floor, entryId);
  return [{ type: 'floor.rejected', data: { entryId, participantId: found.participantId, reason, by: ctx.actor.id } }];
}

export function decideReorder(ctx: FloorContext, entryId: string, toIndex: number): FloorEvent[] {
  const queue = currentQueue(ctx.floor);
  const from = queue.findIndex((e) => e.id === entryId);
  entry(ctx.floor, entryId);
  const target = Math.min(toIndex, queue.length - 1);
  if (target === from) return [];
  return [{ type: 'floor.reordered', data: { entryId, toIndex: target } }];
}

function endEvent(speech: Speech, endedAt: number, outcome: SpeechOutcome, by: string | null): FloorEvent {
  return { type: 'floor.ended', data: { speechId: speech.id, endedAt, outcome, by } };
}

/**
 * Gives the floor: to an entry, to a participant directly, or to the next in line. A
 * speech still on the floor ends (by the moderator). `expectedSpeechId` must match what
 * is on the floor, so a double click does not skip a speaker.
 */
export function decideGrant(
  ctx: FloorContext,
  input: {
    expectedSpeechId: string | null;
    entryId?: string | undefined;
    participantId?: string | undefined;
    type?: FloorRequestType | undefined;
    limitMs?: number | null | undefined;
  },
): { events: FloorEvent[]; speechId: string } {
  const { floor, consultation, now } = ctx;
  const onFloor = floor.speech?.id ?? null;
  if (onFloor !== input.expectedSpeechId) {
    throw new AppError(ErrorCode.STALE, 'the floor changed since you looked; check who is speaking and try again');
  }
  let speakerId: string;
  let type: FloorRequestType = input.type ?? 'speech';
  let note = '';
  let entryId: string | null = null;
  if (input.participantId) {
    speakerId = input.participantId;
    const queued = currentQueue(floor).find((e) => e.participantId === speakerId);
    if (queued) {
      entryId = queued.id;
      type = input.type ?? queued.type;
      note = queued.note;
    }
  } else {
    const next = input.entryId ? entry(floor, input.entryId) : currentQueue(floor)[0];
    if (!next) throw invalidState('the speaking queue is empty');
    speakerId = next.participantId;
    entryId = next.id;
    type = input.type ?? next.type;
    note = next.note;
  }
  const speaker = participant(consultation, speakerId);
  if (!can(speaker.role, 'floor.request')) throw forbidden(`a ${speaker.role} cannot hold the floor`);
  const limits = limitsFor(floor, floor.agendaItemId);
  // A studio holds the floor as a venue: open (no countdown) unless the moderator sets a limit.
  const defaultLimit = speaker.role === 'studio' ? null : limitFor(limits, type);
  const speech: Speech = {
    id: ctx.newId(),
    participantId: speakerId,
    siteId: speaker.siteId,
    agendaItemId: floor.agendaItemId,
    type,
    note,
    entryId,
    grantedAt: now,
    limitMs: input.limitMs === undefined ? defaultLimit : input.limitMs,
    graceMs: limits.grace,
    elapsedMs: 0,
    runningSince: now,
    endedAt: null,
    outcome: null,
  };
  const events: FloorEvent[] = [];
  if (floor.speech) events.push(endEvent(floor.speech, now, 'moderator', ctx.actor.id));
  events.push({ type: 'floor.granted', data: speech });
  return { events, speechId: speech.id };
}

/** The speaker says they are done, or the moderator ends the speech (see `authorizeEnd`). */
export function decideEnd(ctx: FloorContext, speechId: string): FloorEvent[] {
  const speech = currentSpeech(ctx.floor, speechId);
  const bySpeaker = speech.participantId === ctx.actor.id && !isModerator(ctx.actor);
  return [endEvent(speech, ctx.now, bySpeaker ? 'done' : 'moderator', ctx.actor.id)];
}

/** The clock ran past limit + grace: the microphone closes. Refused (stale) if a pause or extension moved the deadline. */
export function decideTimeout(floor: FloorState, speechId: string, now: number): FloorEvent[] {
  const speech = floor.speech;
  if (!speech || speech.id !== speechId) return [];
  const deadline = speechDeadline(speech);
  if (deadline === null || now < deadline) return [];
  return [endEvent(speech, deadline, 'timeout', null)];
}

export function decidePause(ctx: FloorContext, speechId: string): FloorEvent[] {
  const speech = currentSpeech(ctx.floor, speechId);
  if (speech.runningSince === null) throw new AppError(ErrorCode.STALE, 'the countdown is already paused');
  return [{ type: 'floor.paused', data: { speechId, at: ctx.now } }];
}

export function decideResume(ctx: FloorContext, speechId: string): FloorEvent[] {
  const speech = currentSpeech(ctx.floor, speechId);
  if (speech.runningSince !== null) throw new AppError(ErrorCode.STALE, 'the countdown is already running');
  return [{ type: 'floor.resumed', data: { speechId, at: ctx.now } }];
}

export function decideExtend(ctx: FloorContext, speechId: string, addMs: number): FloorEvent[] {
  const speech = currentSpeech(ctx.floor, speechId);
  if (speech.limitMs === null) throw invalidState('this floor is open; it has no time limit to extend');
  return [{ type: 'floor.extended', data: { speechId, addMs } }];
}

export function decideSetLimits(ctx: FloorContext, agendaItemId: string | undefined, limits: Partial<FloorLimits>): FloorEvent[] {
  if (agendaItemId !== undefined && agendaItemId !== GENERAL_ITEM && !ctx.consultation.agenda.some((a) => a.id === agendaItemId)) {
    throw notFound(`agenda item ${agendaItemId}`);
  }
  const clean = Object.fromEntries(Object.entries(limits).filter(([, v]) => (v as number | undefined) !== undefined)) as Partial<FloorLimits>;
  if (Object.keys(clean).length === 0) throw new AppError(ErrorCode.VALIDATION, 'give at least one limit to set');
  return [{ type: 'floor.limitsSet', data: { agendaItemId: agendaItemId ?? null, limits: clean } }];
}

export function decideQueueOpen(ctx: FloorContext, open: boolean): FloorEvent[] {
  const isOpen = !ctx.floor.closedQueues.includes(ctx.floor.agendaItemId);
  if (isOpen === open) return [];
  return [{ type: 'floor.queueSet', data: { agendaItemId: ctx.floor.agendaItemId, open } }];
}

/** Moves to the next (or a chosen) agenda item; a speech still on the floor ends. */
export function decideAdvance(ctx: FloorContext, expected: string | null, to: string | undefined): { events: FloorEvent[]; agendaItemId: string } {
  const { floor, consultation, now } = ctx;
  if (expected !== floor.agendaItemId) throw new AppError(ErrorCode.STALE, 'the agenda has already moved on');
  const agenda = consultation.agenda;
  let target: string;
  if (to !== undefined) {
    if (!agenda.some((a) => a.id === to)) throw notFound(`agenda item ${to}`);
    target = to;
  } else {
    const index = agenda.findIndex((a) => a.id === floor.agendaItemId);
    const next = agenda[index + 1];
    if (!next) throw invalidState('this is the last agenda item');
    target = next.id;
  }
  if (target === floor.agendaItemId) return { events: [], agendaItemId: target };
  const events: FloorEvent[] = [];
  if (floor.speech) events.push(endEvent(floor.speech, now, 'moderator', ctx.actor.id));
  events.push({ type: 'agenda.advanced', data: { from: floor.agendaItemId, to: target } });
  return { events, agendaItemId: target };
}

function withQueue(floor: FloorState, agendaItemId: string, queue: QueueEntry[]): Record<string, QueueEntry[]> {
  return { ...floor.queues, [agendaItemId]: queue };
}

function removeEntry(floor: FloorState, entryId: string): Record<string, QueueEntry[]> {
  const queue = currentQueue(floor);
  return withQueue(
    floor,
    floor.agendaItemId,
    queue.filter((e) => e.id !== entryId),
  );
}

/** Removes an entry from whichever agenda item's queue holds it (a leaving member may wait in several). */
function removeEntryAnywhere(floor: FloorState, entryId: string): Record<string, QueueEntry[]> {
  for (const [item, queue] of Object.entries(floor.queues)) {
    if (queue.some((e) => e.id === entryId))
      return withQueue(
        floor,
        item,
        queue.filter((e) => e.id !== entryId),
      );
  }
  return floor.queues;
}

/**
 * A participant has left the consultation (their reconnect grace ran out, they left, or they did
 * not come back after a restart): their requests to speak are withdrawn on every agenda item, and
 * a speech they hold ends with the outcome "left". Coming back, they ask again.
 */
export function decideDeparture(floor: FloorState, participantId: string, now: number): FloorEvent[] {
  const events: FloorEvent[] = [];
  for (const queue of Object.values(floor.queues)) {
    for (const e of queue)
      if (e.participantId === participantId) events.push({ type: 'floor.withdrawn', data: { entryId: e.id, by: participantId, reason: 'left' } });
  }
  if (floor.speech?.participantId === participantId) events.push(endEvent(floor.speech, now, 'left', null));
  return events;
}

/** How each floor event changes the floor: one entry per event type (the compiler checks there is one for each). */
const FOLD: FoldTable<FloorEvent, FloorState> = {
  'floor.requested': (floor, data) => {
    const queue = floor.queues[data.agendaItemId] ?? [];
    const index = insertionIndex(queue, data.type);
    return { ...floor, queues: withQueue(floor, data.agendaItemId, [...queue.slice(0, index), data, ...queue.slice(index)]) };
  },
  'floor.withdrawn': (floor, data) => ({ ...floor, queues: removeEntryAnywhere(floor, data.entryId) }),
  'floor.rejected': (floor, data) => ({ ...floor, queues: removeEntryAnywhere(floor, data.entryId) }),
  'floor.reordered': (floor, data) => {
    const queue = [...currentQueue(floor)];
    const from = queue.findIndex((e) => e.id === data.entryId);
    if (from < 0) return floor;
    const [moved] = queue.splice(from, 1);
    queue.splice(data.toIndex, 0, moved!);
    return { ...floor, queues: withQueue(floor, floor.agendaItemId, queue) };
  },
  'floor.granted': (floor, speech) => ({ ...floor, queues: speech.entryId ? removeEntry(floor, speech.entryId) : floor.queues, speech }),
  'floor.ended': (floor, data) => {
    const speech = floor.speech;
    if (!speech || speech.id !== data.speechId) return floor;
    const elapsed = speechElapsedMs({ ...speech, endedAt: data.endedAt }, data.endedAt);
    const ended: Speech = { ...speech, elapsedMs: elapsed, runningSince: null, endedAt: data.endedAt, outcome: data.outcome };
    return { ...floor, speech: null, speeches: [...floor.speeches, ended] };
  },
  'floor.paused': (floor, data) => {
    const speech = floor.speech;
    if (!speech || speech.id !== data.speechId || speech.runningSince === null) return floor;
    return { ...floor, speech: { ...speech, elapsedMs: speechElapsedMs(speech, data.at), runningSince: null } };
  },
  'floor.resumed': (floor, data) => {
    const speech = floor.speech;
    if (!speech || speech.id !== data.speechId || speech.runningSince !== null) return floor;
    return { ...floor, speech: { ...speech, runningSince: data.at } };
  },
  'floor.extended': (floor, data) => {
    const speech = floor.speech;
    if (!speech || speech.id !== data.speechId || speech.limitMs === null) return floor;
    return { ...floor, speech: { ...speech, limitMs: speech.limitMs + data.addMs } };
  },
  'floor.limitsSet': (floor, { agendaItemId, limits }) => {
    if (agendaItemId === null) return { ...floor, defaults: { ...floor.defaults, ...limits } };
    return { ...floor, itemLimits: { ...floor.itemLimits, [agendaItemId]: { ...floor.itemLimits[agendaItemId], ...limits } } };
  },
  'floor.queueSet': (floor, data) => {
    const others = floor.closedQueues.filter((id) => id !== data.agendaItemId);
    return { ...floor, closedQueues: data.open ? others : [...others, data.agendaItemId] };
  },
  'agenda.advanced': (floor, data) => ({ ...floor, agendaItemId: data.to }),
};

/** Whether an event is one of the floor's. */
export const isFloorEvent = eventGuard<FloorEvent, FloorState>(FOLD);

/** Folds one floor event; `at` is the event's server time. */
export function applyFloorEvent(floor: FloorState, event: FloorEvent, at: number): FloorState {
  return { ...fold(FOLD, floor, event, at), version: floor.version + 1 };
}

/** Everyone whose microphone the SFU forwards now: the floor holder (moderators are always on air). */
export function floorHolder(floor: FloorState): string | null {
  return floor.speech?.participantId ?? null;
}

/** The floor's rule for microphones: the floor holder and the moderators are heard, nobody else. */
export function heardOnFloor(consultation: Consultation, floor: FloorState, participantId: string): boolean {
  if (floorHolder(floor) === participantId) return true;
  const role = consultation.participants.find((p) => p.id === participantId)?.role;
  return role !== undefined && alwaysOnAir(role);
}

/** The speaking record with totals per participant and per site. Durations are measured speaking time (pauses excluded). */
export function speechReport(consultation: Consultation, floor: FloorState, now: number): SpeechReport {
  const all = floor.speech ? [...floor.speeches, floor.speech] : floor.speeches;
  const people = new Map(consultation.participants.map((p) => [p.id, p]));
  const sites = new Map(consultation.sites.map((s) => [s.id, s]));
  const speeches = all.map((s) => ({
    ...s,
    durationMs: speechElapsedMs(s, s.endedAt ?? now),
    name: people.get(s.participantId)?.name ?? s.participantId,
    siteName: sites.get(s.siteId)?.name ?? s.siteId,
  }));
  const byParticipant = new Map<string, { count: number; totalMs: number }>();
  const bySite = new Map<string, { count: number; totalMs: number }>();
  for (const s of speeches) {
    const p = byParticipant.get(s.participantId) ?? { count: 0, totalMs: 0 };
    byParticipant.set(s.participantId, { count: p.count + 1, totalMs: p.totalMs + s.durationMs });
    const t = bySite.get(s.siteId) ?? { count: 0, totalMs: 0 };
    bySite.set(s.siteId, { count: t.count + 1, totalMs: t.totalMs + s.durationMs });
  }
  return {
    consultationId: consultation.id,
    speeches,
    // Everyone who may speak is listed, with zeros, so the chair sees who has not spoken yet.
    byParticipant: consultation.participants
      .filter((p) => can(p.role, 'floor.request'))
      .map((p) => ({ participantId: p.id, name: p.name, role: p.role, siteId: p.siteId, ...(byParticipant.get(p.id) ?? { count: 0, totalMs: 0 }) })),
    bySite: consultation.sites.map((s) => ({ siteId: s.id, name: s.name, ...(bySite.get(s.id) ?? { count: 0, totalMs: 0 }) })),
  };
}
