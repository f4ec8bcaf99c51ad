import type { MinutesVersionInfo } from '@consult/shared';
import type { ConsultationState, Decision } from '../../../domain/consultation.js';
import { applyTranscriptEvent, type TranscriptEvent } from '../../../domain/transcript.js';

/** A sign-off step, answered with the minutes' state after it. */
export function minutesDecision(state: ConsultationState, events: TranscriptEvent[]): Decision<{ minutes: MinutesVersionInfo }> {
  // Sign-off events replace `minutes` (never the segment list in place), so folding a shallow copy is safe.
  const after = events.reduce((t, e) => applyTranscriptEvent(t, e), { ...state.transcript });
  return { events, reply: { minutes: after.minutes } };
}
