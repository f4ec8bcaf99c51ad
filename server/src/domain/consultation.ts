import type { Consultation, CreateConsultationBody } from '@consult/shared';
import type { StoredEvent } from '../store/EventStore.js';
import { FLOOR_EVENT_TYPES, applyFloorEvent, initialFloor, type FloorEvent, type FloorState } from './floor.js';
import { MOTION_EVENT_TYPES, applyMotionEvent, type MotionEvent, type Motions } from './voting.js';
import { STUDIO_EVENT_TYPES, applyStudioEvent, initialStudios, type StudioEvent, type StudiosState } from './studios.js';
import { TRANSCRIPT_EVENT_TYPES, applyTranscriptEvent, initialTranscript, type TranscriptEvent, type TranscriptState } from './transcript.js';

export type LeaveReason = 'left' | 'timeout' | 'restart' | 'replaced';

/** The events of the foundation; later features add their own to the same log. */
export type ConsultationEvent =
  | { type: 'consultation.created'; data: Consultation }
  | { type: 'attendance.joined'; data: { participantId: string } }
  | { type: 'attendance.left'; data: { participantId: string; reason: LeaveReason } }
  | FloorEvent
  | MotionEvent
  | TranscriptEvent
  | StudioEvent;

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

/** Applies one event: the only way consultation state changes. Unknown types are kept for later features. */
export function applyEvent(state: ConsultationState | undefined, event: StoredEvent): ConsultationState {
  const e = event as StoredEvent & ConsultationEvent;
  if (e.type === 'consultation.created') {
    if (state) throw new Error(`consultation ${state.consultation.id} created twice`);
    return { consultation: e.data, attendance: {}, floor: initialFloor(e.data), motions: {}, transcript: initialTranscript(), studios: initialStudios(), seq: event.seq };
  }
  if (!state) throw new Error(`event ${event.type} before consultation.created`);
  if (event.seq !== state.seq + 1) throw new Error(`log gap: expected seq ${state.seq + 1}, got ${event.seq}`);
  switch (e.type) {
    case 'attendance.joined': {
      const prev = state.attendance[e.data.participantId];
      const record: AttendanceRecord = prev
        ? { ...prev, lastJoinedAt: event.at, inRoom: true }
        : { firstJoinedAt: event.at, lastJoinedAt: event.at, presentMs: 0, inRoom: true };
      // Large maps are updated in place (a burst of joins would copy them N times); nobody keeps the previous state.
      state.attendance[e.data.participantId] = record;
      return { ...state, seq: event.seq };
    }
    case 'attendance.left': {
      const prev = state.attendance[e.data.participantId];
      if (!prev || !prev.inRoom) return { ...state, seq: event.seq };
      state.attendance[e.data.participantId] = { ...prev, inRoom: false, presentMs: prev.presentMs + Math.max(0, event.at - prev.lastJoinedAt) };
      return { ...state, seq: event.seq };
    }
    default:
      if (STUDIO_EVENT_TYPES.has(e.type)) return { ...state, seq: event.seq, studios: applyStudioEvent(state.studios, e as StudioEvent) };
      if (TRANSCRIPT_EVENT_TYPES.has(e.type)) return { ...state, seq: event.seq, transcript: applyTranscriptEvent(state.transcript, e as TranscriptEvent) };
      if (MOTION_EVENT_TYPES.has(e.type)) return { ...state, seq: event.seq, motions: applyMotionEvent(state.motions, e as MotionEvent) };
      if (FLOOR_EVENT_TYPES.has(e.type)) return { ...state, seq: event.seq, floor: applyFloorEvent(state.floor, e as FloorEvent, event.at) };
      return { ...state, seq: event.seq };
  }
}

export function foldConsultation(events: readonly StoredEvent[]): ConsultationState | undefined {
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
