import { loadSherpa, sileroModelPath, type SherpaVad } from './native.js';
import { ASR_SAMPLE_RATE } from './types.js';

/** A stretch of speech found by a detector; `start` counts samples since the stream began. */
export interface DetectedSpeech {
  start: number;
  samples: Float32Array;
}

/**
 * Voice activity detection, one window at a time. A segment starts a little before the
 * window where speech is detected (`onsetLookback` samples) and ends when silence has
 * lasted `minSilenceMs`; it is then available from take().
 */
export interface SpeechDetector {
  /** Samples per accept() call. */
  readonly windowSize: number;
  /** How far before the detection point a segment starts, in samples. */
  readonly onsetLookback: number;
  accept(window: Float32Array): void;
  /** True while a segment is in progress. */
  detected(): boolean;
  /** Completed segments, oldest first (each is returned once). */
  take(): DetectedSpeech[];
  /** Ends the segment in progress now (it becomes available from take()). */
  flush(): void;
  release(): void;
}

export interface VadSettings {
  /** Speech probability above which a window counts as speech. */
  threshold: number;
  minSilenceMs: number;
  minSpeechMs: number;
  /** sherpa-onnx's soft limit: past it, a shorter pause ends the segment. */
  softMaxSpeechMs: number;
}

export const DEFAULT_VAD: VadSettings = { threshold: 0.5, minSilenceMs: 500, minSpeechMs: 250, softMaxSpeechMs: 15_000 };

const SILERO_WINDOW = 512;
const msToSamples = (ms: number) => Math.round((ms * ASR_SAMPLE_RATE) / 1000);

/** Silero VAD (v5) run by sherpa-onnx-node. Throws when the addon or the model is missing. */
export function createSileroDetector(settings: VadSettings = DEFAULT_VAD, bufferSeconds = 60): SpeechDetector {
  const sherpa = loadSherpa();
  const vad: SherpaVad = new sherpa.Vad(
    {
      sileroVad: {
        model: sileroModelPath(),
        threshold: settings.threshold,
        minSilenceDuration: settings.minSilenceMs / 1000,
        minSpeechDuration: settings.minSpeechMs / 1000,
        windowSize: SILERO_WINDOW,
        maxSpeechDuration: settings.softMaxSpeechMs / 1000,
      },
      sampleRate: ASR_SAMPLE_RATE,
      numThreads: 1,
      debug: false,
    },
    bufferSeconds,
  );
  const take = (): DetectedSpeech[] => {
    const out: DetectedSpeech[] = [];
    while (!vad.isEmpty()) {
      const s = vad.front(false);
      out.push({ start: s.start, samples: s.samples });
      vad.pop();
    }
    return out;
  };
  return {
    windowSize: SILERO_WINDOW,
    // sherpa-onnx starts a segment two windows plus the minimum speech duration back.
    onsetLookback: 2 * SILERO_WINDOW + msToSamples(settings.minSpeechMs),
    accept: (w) => vad.acceptWaveform(w),
    detected: () => vad.isDetected(),
    take,
    flush: () => vad.flush(),
    release: () => vad.reset(),
  };
}

/**
 * A loudness detector with the same contract, for when sherpa-onnx cannot load (and for
 * unit tests): a window is speech when its level is above `thresholdDb` dBFS.
 */
export function createEnergyDetector(settings: Partial<VadSettings> & { thresholdDb?: number } = {}): SpeechDetector {
  const windowSize = 320; // 20 ms
  const s = { ...DEFAULT_VAD, ...settings };
  const thresholdDb = settings.thresholdDb ?? -40;
  const minSpeech = Math.max(1, Math.ceil(msToSamples(s.minSpeechMs) / windowSize));
  const minSilence = Math.max(1, Math.ceil(msToSamples(s.minSilenceMs) / windowSize));
  const lookback = (minSpeech + 2) * windowSize;

  let position = 0; // samples accepted
  let kept: Float32Array[] = []; // audio from keptStart to position
  let keptStart = 0;
  let segmentStart = -1;
  let speechRun = 0;
  let silenceRun = 0;
  const done: DetectedSpeech[] = [];

  const audio = (from: number, to: number): Float32Array => {
    const all = new Float32Array(position - keptStart);
    let o = 0;
    for (const k of kept) {
      all.set(k, o);
      o += k.length;
    }
    return all.slice(from - keptStart, to - keptStart);
  };
  const dropBefore = (sample: number) => {
    while (kept.length > 0 && keptStart + kept[0]!.length <= sample) keptStart += kept.shift()!.length;
  };
  const close = (end: number) => {
    done.push({ start: segmentStart, samples: audio(segmentStart, end) });
    segmentStart = -1;
    speechRun = 0;
    silenceRun = 0;
    dropBefore(end);
  };

  return {
    windowSize,
    onsetLookback: lookback,
    accept(w) {
      let sum = 0;
      for (const v of w) sum += v * v;
      const db = 10 * Math.log10(sum / Math.max(1, w.length) + 1e-12);
      kept.push(Float32Array.from(w));
      position += w.length;
      const speech = db > thresholdDb;
      speechRun = speech ? speechRun + 1 : 0;
      silenceRun = speech ? 0 : silenceRun + 1;
      if (segmentStart < 0) {
        if (speechRun >= minSpeech) segmentStart = Math.max(keptStart, position - lookback);
        else dropBefore(position - lookback);
      } else if (silenceRun >= minSilence) {
        close(position - silenceRun * windowSize + windowSize);
      }
    },
    detected: () => segmentStart >= 0,
    take: () => done.splice(0),
    flush() {
      if (segmentStart >= 0 && position > segmentStart) close(position);
    },
    release() {
      kept = [];
      done.length = 0;
    },
  };
}
