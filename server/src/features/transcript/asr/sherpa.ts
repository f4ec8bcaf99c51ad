import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { missingFiles, modelPaths, REQUIRED_FILES, type SherpaModelEntry } from './config.js';
import type { AsrLogger, Recogniser, RecognitionResult } from './engine.js';
import { loadSherpa, sherpaPackagePath, type SherpaOnlineRecognizer, type SherpaOnlineRecognizerConfig, type SherpaOnlineStream } from './native.js';
import { pcmToFloat } from './pipeline.js';
import { ASR_SAMPLE_RATE } from './types.js';

/**
 * An operator-installed sherpa-onnx streaming model (transducer, paraformer or zipformer2
 * CTC). One OnlineRecognizer (the loaded model) serves many streams; a transducer gets one
 * per set of hotwords (decoded with modified_beam_search), the most recent few kept.
 */
export interface SherpaEngineOptions {
  numThreads?: number;
  /** Loaded recognisers kept per model (default 2). */
  keepLoaded?: number;
  hotwordsScore?: number;
}

/** Zeros appended before the end of an utterance so that the encoder's look-ahead is filled. */
const TAIL_PADDING = new Float32Array(Math.round(0.4 * ASR_SAMPLE_RATE));

export function buildRecognizerConfig(
  dataDir: string,
  entry: SherpaModelEntry,
  hotwords: string,
  numThreads = 1,
  hotwordsScore = 1.5,
): SherpaOnlineRecognizerConfig {
  const p = modelPaths(dataDir, entry);
  const modelConfig: SherpaOnlineRecognizerConfig['modelConfig'] = { tokens: p.tokens, numThreads, provider: 'cpu', debug: false };
  if (entry.type === 'transducer') modelConfig.transducer = { encoder: p.encoder!, decoder: p.decoder!, joiner: p.joiner! };
  else if (entry.type === 'paraformer') modelConfig.paraformer = { encoder: p.encoder!, decoder: p.decoder! };
  else modelConfig.zipformer2Ctc = { model: p.model! };
  const config: SherpaOnlineRecognizerConfig = {
    featConfig: { sampleRate: ASR_SAMPLE_RATE, featureDim: 80 },
    modelConfig,
    decodingMethod: 'greedy_search',
    enableEndpoint: false, // the VAD cuts segments
  };
  if (entry.type === 'transducer' && hotwords) {
    config.decodingMethod = 'modified_beam_search';
    config.maxActivePaths = 4;
    config.hotwordsBuf = hotwords;
    config.hotwordsBufSize = Buffer.byteLength(hotwords);
    config.hotwordsScore = hotwordsScore;
    modelConfig.modelingUnit = entry.modelingUnit ?? 'cjkchar';
    if (p.bpeVocab) modelConfig.bpeVocab = p.bpeVocab;
  }
  return config;
}

/**
 * onnxruntime aborts the whole process (an uncaught C++ exception) on a corrupt model file,
 * and sherpa-onnx exits on missing metadata. So a model is first loaded and run once in a
 * child process; a success is remembered in the model folder (`.verified`, with the sizes
 * and times of its files) so that later starts skip it.
 */
const PROBE_SCRIPT =
  'const s=require(process.argv[1]);const r=new s.OnlineRecognizer(JSON.parse(process.argv[2]));const st=r.createStream();' +
  'st.acceptWaveform({samples:new Float32Array(16000),sampleRate:16000});st.inputFinished();while(r.isReady(st))r.decode(st);r.getResult(st);';

function fingerprint(dataDir: string, entry: SherpaModelEntry): string {
  const p = modelPaths(dataDir, entry);
  const files = [...REQUIRED_FILES[entry.type].map((k) => p[k]!), p.tokens, ...(p.bpeVocab ? [p.bpeVocab] : [])];
  return files.map((f) => `${path.basename(f)}:${statSync(f).size}:${statSync(f).mtimeMs}`).join('\n');
}

/** '' when sherpa-onnx loads and runs the model, else why not. */
export function probeModel(dataDir: string, entry: SherpaModelEntry, options: { remember?: boolean } = {}): string {
  const missing = missingFiles(dataDir, entry);
  if (missing.length > 0) return `missing files: ${missing.join(', ')}`;
  const marker = path.join(modelPaths(dataDir, entry).dir, '.verified');
  const print = fingerprint(dataDir, entry);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === print) return '';
  const config = buildRecognizerConfig(dataDir, entry, '');
  const r = spawnSync(process.execPath, ['-e', PROBE_SCRIPT, sherpaPackagePath(), JSON.stringify(config)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`).trim().split('\n').slice(-2).join(' ');
    return `sherpa-onnx cannot load the model: ${why}`;
  }
  if (options.remember !== false) {
    try {
      writeFileSync(marker, print);
    } catch {
      // read-only model folder: probe again next time
    }
  }
  return '';
}

interface TokenInfo {
  tokens: Set<string>;
  upperLatin: boolean;
}

function readTokens(file: string): TokenInfo {
  const tokens = new Set<string>();
  let upper = 0;
  let lower = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim().split(/\s+/)[0];
    if (!t) continue;
    tokens.add(t);
    if (/[A-Z]/.test(t)) upper++;
    if (/[a-z]/.test(t)) lower++;
  }
  return { tokens, upperLatin: upper > lower };
}

/**
 * Hotwords as sherpa-onnx reads them: one phrase a line. Latin letters take the case of the
 * model's tokens; with 'cjkchar' only (no BPE vocabulary) a phrase is kept only when every
 * character is a token, since sherpa-onnx cannot encode the rest.
 */
export function hotwordsText(hotwords: string[], entry: SherpaModelEntry, info: TokenInfo): string {
  const unit = entry.modelingUnit ?? 'cjkchar';
  const phrases = new Set<string>();
  for (const raw of hotwords) {
    let phrase = raw
      .replace(/[\r\n\t]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!phrase) continue;
    phrase = info.upperLatin ? phrase.toUpperCase() : phrase.toLowerCase();
    if (unit === 'cjkchar' && !Array.from(phrase.replace(/\s/g, '')).every((c) => info.tokens.has(c))) continue;
    phrases.add(phrase);
    if (phrases.size >= 200) break;
  }
  return [...phrases].join('\n');
}

export class SherpaEngine {
  private readonly loaded = new Map<string, SherpaOnlineRecognizer>();
  private tokenInfo: TokenInfo | undefined;
  private verified = false;

  constructor(
    private readonly dataDir: string,
    readonly entry: SherpaModelEntry,
    private readonly options: SherpaEngineOptions,
    private readonly log: AsrLogger,
  ) {}

  /** Why this model cannot run ('' when its files are all there). */
  problem(): string {
    const missing = missingFiles(this.dataDir, this.entry);
    return missing.length > 0 ? `missing files: ${missing.join(', ')}` : '';
  }

  private recognizer(hotwords: string[]): SherpaOnlineRecognizer {
    this.tokenInfo ??= readTokens(modelPaths(this.dataDir, this.entry).tokens);
    const text = this.entry.type === 'transducer' ? hotwordsText(hotwords, this.entry, this.tokenInfo) : '';
    let r = this.loaded.get(text);
    if (r) {
      this.loaded.delete(text); // most recently used last
    } else {
      const started = performance.now();
      r = new (loadSherpa().OnlineRecognizer)(buildRecognizerConfig(this.dataDir, this.entry, text, this.options.numThreads, this.options.hotwordsScore));
      this.log.info(
        { model: this.entry.name, hotwords: text ? text.split('\n').length : 0, ms: Math.round(performance.now() - started) },
        'sherpa-onnx model loaded',
      );
    }
    this.loaded.set(text, r);
    while (this.loaded.size > (this.options.keepLoaded ?? 2)) this.loaded.delete(this.loaded.keys().next().value!);
    return r;
  }

  /** Loads the model (throws when it cannot) and returns a recogniser for one stream. */
  create(hotwords: string[]): Recogniser {
    if (!this.verified) {
      const problem = probeModel(this.dataDir, this.entry);
      if (problem) throw new Error(`${this.entry.name}: ${problem}`);
      this.verified = true;
    }
    const recognizer = this.recognizer(hotwords);
    let stream: SherpaOnlineStream | null = null;
    const decode = (s: SherpaOnlineStream) => {
      while (recognizer.isReady(s)) recognizer.decode(s);
    };
    const live = () => {
      if (!stream) throw new Error('no utterance in progress');
      return stream;
    };
    return {
      begin() {
        stream = recognizer.createStream();
      },
      accept(pcm) {
        const s = live();
        s.acceptWaveform({ samples: pcmToFloat(pcm), sampleRate: ASR_SAMPLE_RATE });
        decode(s);
      },
      partial() {
        return recognizer.getResult(live()).text;
      },
      finish(): RecognitionResult {
        const s = live();
        s.acceptWaveform({ samples: TAIL_PADDING, sampleRate: ASR_SAMPLE_RATE });
        s.inputFinished();
        decode(s);
        const result = recognizer.getResult(s);
        stream = null;
        const probs = result.ys_probs ?? [];
        const confidence = probs.length > 0 ? Math.exp(probs.reduce((a, b) => a + b, 0) / probs.length) : null;
        return { text: result.text, confidence: confidence === null || Number.isFinite(confidence) ? confidence : null };
      },
      release() {
        stream = null; // native streams are freed by the garbage collector
      },
    };
  }

  close(): void {
    this.loaded.clear();
  }
}
