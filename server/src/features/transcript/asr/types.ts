import type { EventEmitter } from 'node:events';

/**
 * Speech recognition behind one interface: start a stream, push PCM, receive partial and
 * final segments, end the stream. Audio is 16 kHz mono signed 16-bit PCM. Times are
 * milliseconds of audio since the stream started (the caller maps them to wall time).
 */
export const ASR_SAMPLE_RATE = 16_000;

export type AsrLanguage = 'zh' | 'en';

export interface PartialSegment {
  /** Start of the utterance being recognised. */
  startMs: number;
  text: string;
}

export interface FinalSegment {
  startMs: number;
  endMs: number;
  /** Recognised text; '' when the engine only cuts segments (the clerk types the text). */
  text: string;
  /** 0–1 when the engine reports one. */
  confidence: number | null;
  /** The segment's audio, 16 kHz mono, for the clerk to listen to. */
  clip: Int16Array;
}

export interface AsrStreamEvents {
  partial: [PartialSegment];
  final: [FinalSegment];
  /** The engine failed; the stream keeps cutting segments without text if it can. Never thrown. */
  error: [Error];
}

export interface AsrStream extends EventEmitter<AsrStreamEvents> {
  push(pcm: Int16Array): void;
  /** Flushes what is buffered (a segment in progress becomes final) and releases the engine. */
  end(): Promise<void>;
}

/** What runs for a language, shown to the moderator and the clerk. */
export interface EngineDescription {
  /** 'sherpa-onnx' | 'pocketsphinx' | 'segments' (VAD only, no text). */
  engine: 'sherpa-onnx' | 'pocketsphinx' | 'segments';
  /** Model name, e.g. 'sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20' or 'cmusphinx en-us'. */
  model: string | null;
  /** False when no recogniser fits the language: captions say so, segments are still cut. */
  recognises: boolean;
}

export interface Transcriber {
  /** The best engine available for a language. */
  describe(language: AsrLanguage): EngineDescription;
  /** Hotwords: participant names, site names, agenda titles (used where the engine supports them). */
  start(options: { language: AsrLanguage; hotwords: string[] }): AsrStream;
  close(): Promise<void>;
}
