import { chooseEngine, describeChoice, type Availability, type Choice } from './choose.js';
import { readAsrConfig } from './config.js';
import { silentLogger, type AsrLogger, type Recogniser } from './engine.js';
import { PipelineStream } from './pipeline.js';
import { PocketSphinxEngine, type PocketSphinxOptions } from './pocketsphinx.js';
import { SherpaEngine, type SherpaEngineOptions } from './sherpa.js';
import type { AsrLanguage, AsrStream, EngineDescription, Transcriber } from './types.js';
import { createEnergyDetector, createSileroDetector, DEFAULT_VAD, type SpeechDetector, type VadSettings } from './vad.js';

export type { AsrLogger, Recogniser, RecognitionResult } from './engine.js';
export type { VadSettings } from './vad.js';
export * from './types.js';

export interface TranscriberOptions {
  /** The server's data folder; models are read from `<dataDir>/asr/config.json`. */
  dataDir: string;
  /** A pino logger (or anything with the same four methods). */
  log?: AsrLogger;
  vad?: Partial<VadSettings>;
  /** Cut a segment that runs this long (default 20 000 ms). */
  maxSegmentMs?: number;
  /** Partial hypotheses at most this often, in audio time (default 400 ms). */
  partialIntervalMs?: number;
  /** false: never use pocketsphinx. */
  pocketsphinx?: PocketSphinxOptions | false;
  /** false: ignore installed sherpa-onnx models. */
  sherpa?: SherpaEngineOptions | false;
  /**
   * Replaces the chosen recogniser (tests and benchmarks): called at start() for languages
   * where it returns one; describe() is unchanged.
   */
  recogniser?: (language: AsrLanguage) => Recogniser | null;
}

/**
 * The speech recognition layer: for each stream a Silero VAD (sherpa-onnx) cuts speech
 * segments, and the best engine for the language recognises them: an installed sherpa-onnx
 * model, else pocketsphinx for English, else nothing (segments with text '').
 */
export function createTranscriber(options: TranscriberOptions): Transcriber {
  const log = options.log ?? silentLogger;
  const vadSettings: VadSettings = { ...DEFAULT_VAD, ...options.vad };
  const { config, error } = options.sherpa === false ? { config: { version: 1 as const, models: [] } } : readAsrConfig(options.dataDir);
  if (error) log.warn({ err: error.message }, 'ASR config unreadable; no sherpa-onnx model is used');

  const sherpaEngines = config.models.map((entry) => new SherpaEngine(options.dataDir, entry, options.sherpa || {}, log));
  const broken = new Set<string>();
  for (const e of sherpaEngines) {
    const problem = e.problem();
    if (problem) {
      log.warn({ model: e.entry.name, problem }, 'sherpa-onnx model not usable');
      broken.add(e.entry.name);
    }
  }
  const pocketsphinx = options.pocketsphinx === false ? null : new PocketSphinxEngine(options.pocketsphinx ?? {}, log);

  const availability = (): Availability => ({
    sherpaModels: sherpaEngines.filter((e) => !broken.has(e.entry.name)).map((e) => ({ name: e.entry.name, languages: e.entry.languages })),
    pocketsphinx: pocketsphinx?.available() ?? false,
  });

  let vadWarned = false;
  const detector = (): SpeechDetector => {
    try {
      return createSileroDetector(vadSettings);
    } catch (err) {
      if (!vadWarned) log.error({ err: (err as Error).message }, 'Silero VAD unavailable; falling back to a loudness detector');
      vadWarned = true;
      return createEnergyDetector(vadSettings);
    }
  };

  /** The recogniser for a choice; a model that fails to load is marked broken and the next choice is tried. */
  const recogniserFor = (language: AsrLanguage, hotwords: string[]): { choice: Choice; recogniser: Recogniser | null } => {
    for (;;) {
      const choice = chooseEngine(language, availability());
      try {
        if (choice.engine === 'sherpa-onnx') return { choice, recogniser: sherpaEngines.find((e) => e.entry.name === choice.model)!.create(hotwords) };
        if (choice.engine === 'pocketsphinx') return { choice, recogniser: pocketsphinx!.create() };
        return { choice, recogniser: null };
      } catch (err) {
        log.error({ err: (err as Error).message, engine: choice.engine, model: choice.model }, 'speech recogniser failed to load; falling back');
        if (choice.engine === 'sherpa-onnx') broken.add(choice.model);
        else return { choice: { engine: 'segments', model: null }, recogniser: null };
      }
    }
  };

  const streams = new Set<AsrStream>();
  return {
    describe(language: AsrLanguage): EngineDescription {
      return describeChoice(chooseEngine(language, availability()));
    },
    start({ language, hotwords }): AsrStream {
      const override = options.recogniser?.(language);
      const { choice, recogniser } = override ? { choice: null, recogniser: override } : recogniserFor(language, hotwords);
      log.debug({ language, engine: choice?.engine ?? 'override', model: choice?.model ?? null, hotwords: hotwords.length }, 'ASR stream started');
      const stream = new PipelineStream({
        detector: detector(),
        recogniser,
        log,
        ...(options.maxSegmentMs !== undefined && { maxSegmentMs: options.maxSegmentMs }),
        ...(options.partialIntervalMs !== undefined && { partialIntervalMs: options.partialIntervalMs }),
      });
      streams.add(stream);
      const end = stream.end.bind(stream);
      stream.end = () => end().finally(() => streams.delete(stream));
      return stream;
    },
    async close(): Promise<void> {
      await Promise.allSettled([...streams].map((s) => s.end()));
      for (const e of sherpaEngines) e.close();
      pocketsphinx?.close();
    },
  };
}
