/**
 * What the pipeline needs from a recogniser: one utterance at a time (one VAD segment),
 * fed 16 kHz mono s16 PCM as it arrives. Any method may throw; the pipeline catches it.
 */
export interface Recogniser {
  /** Starts an utterance. */
  begin(): void;
  accept(pcm: Int16Array): void;
  /** The hypothesis so far ('' when there is none yet). */
  partial(): string;
  /** Ends the utterance and returns its text. */
  finish(): RecognitionResult;
  /** Gives the engine back (the recogniser is not used again). */
  release(): void;
}

export interface RecognitionResult {
  text: string;
  /** 0–1, or null when the engine has no confidence for it. */
  confidence: number | null;
}

/** Minimal logger: pino's methods with (object, message). */
export interface AsrLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: AsrLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Collapses runs of whitespace; engines put spaces at odd places. */
export const tidyText = (text: string) => text.replace(/\s+/g, ' ').trim();
