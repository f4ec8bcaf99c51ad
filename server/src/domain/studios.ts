import { AppError, ErrorCode, notFound, type Consultation } from '@consult/shared';
import { eventGuard, fold, type FoldTable } from './events.js';

/**
 * Studios in the consultation's log: RTMP ingest points (for a studio's broadcast gear)
 * and whether their feed is on air, and the names of the people present at each venue.
 */
export type StudioEvent =
  | { type: 'ingest.created'; data: { ingestId: string; studioId: string; key: string; port: number } }
  | { type: 'ingest.onAir'; data: { ingestId: string; onAir: boolean; by: string } }
  | { type: 'ingest.removed'; data: { ingestId: string; by: string } }
  | { type: 'studio.attendees'; data: { participantId: string; names: string[] } };

export interface IngestRecord {
  ingestId: string;
  studioId: string;
  key: string;
  port: number;
  onAir: boolean;
}

export interface StudiosState {
  ingests: Record<string, IngestRecord>;
  attendees: Record<string, string[]>;
}

export const initialStudios = (): StudiosState => ({ ingests: {}, attendees: {} });

/** How each studio event changes the studios' state. */
const FOLD: FoldTable<StudioEvent, StudiosState> = {
  'ingest.created': (s, data) => ({ ...s, ingests: { ...s.ingests, [data.ingestId]: { ...data, onAir: false } } }),
  'ingest.onAir': (s, data) => {
    const ingest = s.ingests[data.ingestId];
    if (!ingest) return s;
    return { ...s, ingests: { ...s.ingests, [ingest.ingestId]: { ...ingest, onAir: data.onAir } } };
  },
  'ingest.removed': (s, data) => {
    const { [data.ingestId]: _gone, ...rest } = s.ingests;
    return { ...s, ingests: rest };
  },
  'studio.attendees': (s, data) => ({ ...s, attendees: { ...s.attendees, [data.participantId]: data.names } }),
};

/** Whether an event is one of the studios'. */
export const isStudioEvent = eventGuard<StudioEvent, StudiosState>(FOLD);

export function applyStudioEvent(s: StudiosState, event: StudioEvent): StudiosState {
  return fold(FOLD, s, event, 0);
}

export function decideCreateIngest(
  consultation: Consultation,
  s: StudiosState,
  input: { ingestId: string; studioId: string; key: string; port: number },
): StudioEvent[] {
  const studio = consultation.participants.find((p) => p.id === input.studioId);
  if (!studio) throw notFound(`participant ${input.studioId}`);
  if (studio.role !== 'studio') throw new AppError(ErrorCode.VALIDATION, 'an ingest point is for a participant with the studio role');
  if (Object.values(s.ingests).some((i) => i.studioId === input.studioId))
    throw new AppError(ErrorCode.INVALID_STATE, 'this studio already has an ingest point');
  return [{ type: 'ingest.created', data: input }];
}

export function decideOnAir(s: StudiosState, ingestId: string, onAir: boolean, by: string): StudioEvent[] {
  const ingest = s.ingests[ingestId];
  if (!ingest) throw notFound(`ingest point ${ingestId}`);
  if (ingest.onAir === onAir) return [];
  return [{ type: 'ingest.onAir', data: { ingestId, onAir, by } }];
}

/** Names typed in by the studio operator: trimmed, empty ones dropped, duplicates kept once. */
export function decideAttendees(participantId: string, names: readonly string[]): StudioEvent[] {
  const clean = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  return [{ type: 'studio.attendees', data: { participantId, names: clean } }];
}
