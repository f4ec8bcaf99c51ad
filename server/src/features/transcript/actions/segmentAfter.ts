import type { TranscriptSegment } from '@consult/shared';
import type { ConsultationState } from '../../../domain/consultation.js';
import type { TranscriptEvent } from '../../../domain/transcript.js';

/** A segment as the events will leave it (for the reply, before they are applied). */
export function segmentAfter(state: ConsultationState, events: readonly TranscriptEvent[], segmentId: string): TranscriptSegment | null {
  const index = state.transcript.byId[segmentId];
  let segment: TranscriptSegment | null = index === undefined ? null : state.transcript.segments[index]!;
  for (const e of events) {
    if (e.type === 'transcript.segment' && e.data.id === segmentId) segment = { ...e.data, edits: [] };
    if (e.type === 'transcript.edited' && e.data.segmentId === segmentId && segment) {
      segment = { ...segment, text: e.data.text, edits: [...segment.edits, { text: e.data.text, by: e.data.by, at: e.data.at }] };
    }
  }
  return segment;
}
