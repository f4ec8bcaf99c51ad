import { EventEmitter } from 'node:events';
import { silentLogger, tidyText, type AsrLogger, type Recogniser, type RecognitionResult } from './engine.js';
import { ASR_SAMPLE_RATE, type AsrStream, type AsrStreamEvents, type FinalSegment } from './types.js';
import type { DetectedSpeech, SpeechDetector } from './vad.js';

export interface PipelineOptions {
  detector: SpeechDetector;
  /** null: segments only (finals carry text ''). */
  recogniser: Recogniser | null;
  log?: AsrLogger;
  /** A segment is cut when it runs this long (default 20 s). */
  maxSegmentMs?: number;
  /** How often a partial hypothesis is asked for, in audio time (default 400 ms). */
  partialIntervalMs?: number;
  /** Audio is handed to the recogniser in pieces of at least this length (default 100 ms). */
  feedMs?: number;
}

const toMs = (samples: number) => Math.round((samples * 1000) / ASR_SAMPLE_RATE);
const toSamples = (ms: number) => Math.round((ms * ASR_SAMPLE_RATE) / 1000);

export function floatToPcm(f: Float32Array): Int16Array {
  const out = new Int16Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(f[i]! * 32768)));
  return out;
}

export function pcmToFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

/** The last few seconds of audio by absolute sample index, to replay a segment's onset. */
class AudioHistory {
  private readonly ring: Int16Array;
  private end = 0; // absolute index after the newest sample

  constructor(capacity: number) {
    this.ring = new Int16Array(capacity);
  }

  push(pcm: Int16Array): void {
    for (let i = 0; i < pcm.length; i++) this.ring[(this.end + i) % this.ring.length] = pcm[i]!;
    this.end += pcm.length;
  }

  /** Samples [from, to); the part older than the history is left out. */
  slice(from: number, to: number): Int16Array {
    const start = Math.max(from, this.end - this.ring.length, 0);
    const out = new Int16Array(Math.max(0, to - start));
    for (let i = 0; i < out.length; i++) out[i] = this.ring[(start + i) % this.ring.length]!;
    return out;
  }
}

interface Utterance {
  /** First sample (estimated until the detector reports the segment). */
  start: number;
  /** Samples up to here went to the recogniser. */
  fed: number;
  lastPartialAt: number;
  lastPartial: string;
}

/**
 * One stream: PCM in, VAD segments out, each recognised when there is a recogniser.
 * Everything runs synchronously inside push(); the detector works in fixed windows, and
 * the recogniser is fed from the moment speech is detected (replaying the onset the
 * detector looks back to), so the final text is ready as soon as the segment ends.
 */
export class PipelineStream extends EventEmitter<AsrStreamEvents> implements AsrStream {
  private readonly detector: SpeechDetector;
  private recogniser: Recogniser | null;
  private readonly log: AsrLogger;
  private readonly maxSegment: number;
  private readonly partialEvery: number;
  private readonly feedEvery: number;
  private readonly history: AudioHistory;
  private pending = new Int16Array(0);
  private position = 0;
  private lastEnd = 0;
  private utterance: Utterance | null = null;
  private failed = false;
  private reported = false;
  private ended: Promise<void> | null = null;

  constructor(options: PipelineOptions) {
    super();
    this.detector = options.detector;
    this.recogniser = options.recogniser;
    this.log = options.log ?? silentLogger;
    this.maxSegment = toSamples(options.maxSegmentMs ?? 20_000);
    this.partialEvery = toSamples(options.partialIntervalMs ?? 400);
    this.feedEvery = toSamples(options.feedMs ?? 100);
    this.history = new AudioHistory(this.detector.onsetLookback + toSamples(2000));
  }

  push(pcm: Int16Array): void {
    if (this.ended || this.failed) return;
    const w = this.detector.windowSize;
    let data = pcm;
    if (this.pending.length > 0) {
      data = new Int16Array(this.pending.length + pcm.length);
      data.set(this.pending);
      data.set(pcm, this.pending.length);
    }
    let offset = 0;
    try {
      for (; offset + w <= data.length; offset += w) this.step(data.subarray(offset, offset + w));
    } catch (err) {
      this.detectorFailed(err as Error);
      return;
    }
    this.pending = data.slice(offset);
  }

  end(): Promise<void> {
    this.ended ??= Promise.resolve().then(() => this.finishStream());
    return this.ended;
  }

  private finishStream(): void {
    if (!this.failed) {
      try {
        // The last partial window never reaches the detector; it only lengthens nothing.
        if (this.utterance) this.feed(this.position);
        this.detector.flush();
        for (const s of this.detector.take()) this.segmentDone(s);
      } catch (err) {
        this.detectorFailed(err as Error);
      }
    }
    this.releaseRecogniser();
    try {
      this.detector.release();
    } catch {
      // nothing more to do with it
    }
  }

  private step(window: Int16Array): void {
    this.detector.accept(pcmToFloat(window));
    this.history.push(window);
    this.position += window.length;

    if (this.detector.detected() && !this.utterance) {
      const start = Math.max(this.position - this.detector.onsetLookback, this.lastEnd);
      this.utterance = { start, fed: start, lastPartialAt: this.position, lastPartial: '' };
      this.guard(() => this.recogniser?.begin());
    }
    const u = this.utterance;
    if (u && this.position - u.fed >= this.feedEvery) this.feed(this.position);
    if (u && this.recogniser && this.position - u.lastPartialAt >= this.partialEvery) {
      u.lastPartialAt = this.position;
      const text = tidyText(this.guard(() => this.recogniser?.partial()) ?? '');
      if (text && text !== u.lastPartial && this.utterance === u) {
        u.lastPartial = text;
        this.emit('partial', { startMs: toMs(u.start), text });
      }
    }
    for (const s of this.detector.take()) this.segmentDone(s);
    if (this.utterance && this.position - this.utterance.start >= this.maxSegment) {
      this.detector.flush();
      for (const s of this.detector.take()) this.segmentDone(s);
    }
  }

  private feed(until: number): void {
    const u = this.utterance;
    if (!u || until <= u.fed) return;
    const audio = this.history.slice(u.fed, until);
    u.fed = until;
    if (audio.length > 0) this.guard(() => this.recogniser?.accept(audio));
  }

  private segmentDone(s: DetectedSpeech): void {
    const clip = floatToPcm(s.samples);
    let result: RecognitionResult | undefined;
    if (this.recogniser) {
      if (!this.utterance) {
        // Not seen starting (cannot happen with the detectors here): recognise it whole.
        this.guard(() => this.recogniser?.begin());
        this.guard(() => this.recogniser?.accept(clip));
      } else {
        this.feed(this.position);
      }
      result = this.guard(() => this.recogniser?.finish());
    }
    this.utterance = null;
    this.lastEnd = s.start + s.samples.length;
    const segment: FinalSegment = {
      startMs: toMs(s.start),
      endMs: toMs(s.start + s.samples.length),
      text: tidyText(result?.text ?? ''),
      confidence: result?.confidence ?? null,
      clip,
    };
    this.emit('final', segment);
  }

  /** Runs a recogniser call; the first failure is reported and the engine dropped. */
  private guard<T>(call: () => T): T | undefined {
    if (!this.recogniser) return undefined;
    try {
      return call();
    } catch (err) {
      this.log.error({ err }, 'speech recogniser failed; the stream goes on with segments only');
      this.releaseRecogniser();
      this.report(err as Error);
      return undefined;
    }
  }

  private releaseRecogniser(): void {
    const r = this.recogniser;
    this.recogniser = null;
    try {
      r?.release();
    } catch (err) {
      this.log.warn({ err }, 'releasing the speech recogniser failed');
    }
  }

  private detectorFailed(err: Error): void {
    this.log.error({ err }, 'voice activity detection failed; the stream stops');
    this.failed = true;
    this.releaseRecogniser();
    this.report(err);
  }

  private report(err: Error): void {
    // Once per stream; an 'error' event with no listener would throw, so only to a listener.
    if (this.reported) return;
    this.reported = true;
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}
