import type { Participant } from '@consult/shared';
import type { FinalSegment } from './asr/types.js';

/**
 * Who said it and when, as pure bookkeeping. A tap is opened for one speech and one
 * speaker; everything its stream yields belongs to that speech, even when the final
 * segment is flushed after the floor has moved on. Audio time (what the recogniser
 * counts) maps to server time through checkpoints taken as the chunks arrive, so
 * pauses in the audio (a muted microphone sends nothing) do not skew the clock.
 */
export interface SpeechTapInfo {
  speechId: string;
  agendaItemId: string;
  speaker: Pick<Participant, 'id' | 'name' | 'siteId'>;
  engine: string;
}

export class AudioClock {
  private audioMs = 0;
  private readonly checkpoints: { audioMs: number; wallMs: number }[] = [];

  /** A chunk of `durationMs` audio arrived at server time `arrivedAt` (it started `durationMs` earlier). */
  received(durationMs: number, arrivedAt: number): void {
    this.checkpoints.push({ audioMs: this.audioMs, wallMs: arrivedAt - durationMs });
    if (this.checkpoints.length > 4000) this.checkpoints.splice(0, 2000);
    this.audioMs += durationMs;
  }

  /** Server time of an audio instant. */
  wallAt(audioMs: number, fallback: number): number {
    const cps = this.checkpoints;
    if (cps.length === 0) return fallback;
    let lo = 0;
    let hi = cps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cps[mid]!.audioMs <= audioMs) lo = mid;
      else hi = mid - 1;
    }
    const cp = cps[lo]!;
    return Math.round(cp.wallMs + Math.max(0, audioMs - cp.audioMs));
  }
}

export function segmentFromFinal(id: string, tap: SpeechTapInfo, clock: AudioClock, final: FinalSegment, now: number) {
  return {
    id,
    agendaItemId: tap.agendaItemId,
    speechId: tap.speechId,
    participantId: tap.speaker.id,
    name: tap.speaker.name,
    siteId: tap.speaker.siteId,
    startedAt: clock.wallAt(final.startMs, now),
    endedAt: clock.wallAt(final.endMs, now),
    text: final.text,
    recognised: final.text,
    confidence: final.confidence,
    engine: tap.engine,
    hasClip: final.clip.length > 0,
    offFloor: false,
  };
}
