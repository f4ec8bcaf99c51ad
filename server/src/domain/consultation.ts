import type { Consultation, CreateConsultationBody } from '@consult/shared';
import { eventGuard, fold, type FoldTable } from './events.js';
import { applyFloorEvent, decideDeparture, initialFloor, isFloorEvent, type FloorEvent, type FloorState } from './floor.js';
import { applyMotionEvent, isMotionEvent, type MotionEvent, type Motions } from './voting.js';
import { applyStudioEvent, initialStudios, isStudioEvent, type StudioEvent, type StudiosState } from './studios.js';
import { applyTranscriptEvent, initialTranscript, isTranscriptEvent, type TranscriptEvent, type TranscriptState } from './transcript.js';

export type LeaveReason = 'left' | 'timeout' | 'restart' | 'replaced';

/** Who came and went, for the minutes (presence, who is connected now, is not in the log). */
export type AttendanceEvent =
  { type: 'attendance.joined'; data: { participantId: string } } | { type: 'attendance.left'; data: { participantId: string; reason: LeaveReason } };

/** Every event a consultation's log holds: the only things `commit` accepts. */
export type ConsultationEvent =
  { type: 'consultation.created'; data: Consultation } | AttendanceEvent | FloorEvent | MotionEvent | TranscriptEvent | StudioEvent;

/** An event as the log holds it: with its place (`seq`, from 1, no gaps) and its server time. */
export type LoggedEvent<E extends ConsultationEvent = ConsultationEvent> = E & { seq: number; at: number };

/** What a decision returns: the events to commit and the answer for whoever asked. */
export interface Decision<R> {
  events: ConsultationEvent[];
  reply: R;
}

export interface AttendanceRecord {
  firstJoinedAt: number;
  lastJoinedAt: number;
  /** Total milliseconds present, closed sessions only. */
  presentMs: number;
  /** Whether the log shows them in the room (a join without a leave). */
  inRoom: boolean;
}

export interface ConsultationState {
  consultation: Consultation;
  attendance: Record<string, AttendanceRecord>;
  floor: FloorState;
  motions: Motions;
  transcript: TranscriptState;
  studios: StudiosState;
  /** seq of the last applied event. */
  seq: number;
}

/** Builds the consultation a POST creates; ids come from `newId` so tests can fix them. */
export function createConsultation(input: CreateConsultationBody, newId: () => string, now: number): Consultation {
  return {
    id: newId(),
    title: input.title,
    language: input.language,
    agenda: input.agenda.map((item) => ({ id: newId(), title: item.title })),
    sites: input.sites.map((s) => ({ id: s.id, name: s.name })),
    participants: input.participants.map((p) => ({ id: newId(), name: p.name, role: p.role, siteId: p.siteId })),
    createdAt: now,
  };
}

/** Attendance records are updated in place: a burst of joins would copy the map N times, and nobody keeps the previous state. */
const ATTENDANCE: FoldTable<AttendanceEvent, Record<string, AttendanceRecord>> = {
  'attendance.joined': (attendance, { participantId }, at) => {
    const prev = attendance[participantId];
    if (prev?.inRoom) return attendance;
    attendance[participantId] = prev ? { ...prev, lastJoinedAt: at, inRoom: true } : { firstJoinedAt: at, lastJoinedAt: at, presentMs: 0, inRoom: true };
    return attendance;
  },
  'attendance.left': (attendance, { participantId }, at) => {
    const prev = attendance[participantId];
    if (prev?.inRoom) attendance[participantId] = { ...prev, inRoom: false, presentMs: prev.presentMs + Math.max(0, at - prev.lastJoinedAt) };
    return attendance;
  },
};
const isAttendanceEvent = eventGuard<AttendanceEvent, Record<string, AttendanceRecord>>(ATTENDANCE);

/**
 * Applies one event: the only way consultation state changes. An event of a type no feature
 * declares is an error naming the consultation and the seq (a newer server's log, or corruption).
 */
export function applyEvent(state: ConsultationState | undefined, event: { seq: number; at: number; type: string; data: unknown }): ConsultationState {
  const e = event as LoggedEvent;
  if (e.type === 'consultation.created') {
    if (state) throw new Error(`consultation ${state.consultation.id} created twice (seq ${e.seq})`);
    return {
      consultation: e.data,
      attendance: {},
      floor: initialFloor(e.data),
      motions: {},
      transcript: initialTranscript(),
      studios: initialStudios(),
      seq: e.seq,
    };
  }
  if (!state) throw new Error(`event ${e.type} at seq ${e.seq} before consultation.created`);
  const id = state.consultation.id;
  if (e.seq !== state.seq + 1) throw new Error(`consultation ${id}: log gap, expected seq ${state.seq + 1}, got ${e.seq}`);
  const seq = e.seq;
  if (isAttendanceEvent(e)) return { ...state, seq, attendance: fold(ATTENDANCE, state.attendance, e, e.at) };
  if (isFloorEvent(e)) return { ...state, seq, floor: applyFloorEvent(state.floor, e, e.at) };
  if (isMotionEvent(e)) return { ...state, seq, motions: applyMotionEvent(state.motions, e) };
  if (isTranscriptEvent(e)) return { ...state, seq, transcript: applyTranscriptEvent(state.transcript, e) };
  if (isStudioEvent(e)) return { ...state, seq, studios: applyStudioEvent(state.studios, e) };
  throw new Error(`consultation ${id}: unknown event type "${String((event as { type: unknown }).type)}" at seq ${seq}`);
}

export function foldConsultation(events: readonly { seq: number; at: number; type: string; data: unknown }[]): ConsultationState | undefined {
  let state: ConsultationState | undefined;
  for (const event of events) state = applyEvent(state, event);
  return state;
}

/** Participants the log shows in the room; after a restart they are marked as having left. */
export function participantsInRoom(state: ConsultationState): string[] {
  return Object.entries(state.attendance)
    .filter(([, r]) => r.inRoom)
    .map(([id]) => id);
}

/** Someone connects: a new arrival in the log unless it already shows them in the room (a reconnect within the grace). */
export function decideArrival(state: ConsultationState, participantId: string): ConsultationEvent[] {
  return state.attendance[participantId]?.inRoom ? [] : [{ type: 'attendance.joined', data: { participantId } }];
}

/**
 * Someone has left the consultation (their reconnect grace ran out, they left, or they did not
 * come back after a restart): the log records it, unless it already shows them gone, and their
 * place on the floor goes with them (see `decideDeparture`).
 */
export function decideLeaving(state: ConsultationState, participantId: string, reason: LeaveReason, now: number): ConsultationEvent[] {
  return [
    ...(state.attendance[participantId]?.inRoom ? [{ type: 'attendance.left' as const, data: { participantId, reason } }] : []),
    ...decideDeparture(state.floor, participantId, now),
  ];
}
