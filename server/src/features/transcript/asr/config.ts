import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AsrLanguage } from './types.js';

/**
 * `<dataDir>/asr/config.json`, written by `npm run asr:install`: the sherpa-onnx models an
 * operator installed, first match wins. Paths inside an entry are relative to the model's
 * folder; the folder is relative to `<dataDir>/asr` unless absolute.
 */
export type SherpaModelType = 'transducer' | 'paraformer' | 'zipformer2-ctc';

export interface SherpaModelEntry {
  name: string;
  dir: string;
  type: SherpaModelType;
  /** transducer: encoder, decoder, joiner; paraformer: encoder, decoder; zipformer2-ctc: model. */
  files: { encoder?: string; decoder?: string; joiner?: string; model?: string };
  tokens: string;
  languages: AsrLanguage[];
  /** For hotwords: 'cjkchar', 'bpe' or 'cjkchar+bpe' (the latter two need bpeVocab). */
  modelingUnit?: string;
  bpeVocab?: string;
  /** Of the archive or folder it was installed from. */
  sha256?: string;
  installedAt?: string;
}

export interface AsrConfig {
  version: 1;
  models: SherpaModelEntry[];
}

export const EMPTY_CONFIG: AsrConfig = { version: 1, models: [] };
const LANGUAGES: readonly AsrLanguage[] = ['zh', 'en'];
const TYPES: readonly SherpaModelType[] = ['transducer', 'paraformer', 'zipformer2-ctc'];

/** Which files each model type needs. */
export const REQUIRED_FILES: Record<SherpaModelType, (keyof SherpaModelEntry['files'])[]> = {
  transducer: ['encoder', 'decoder', 'joiner'],
  paraformer: ['encoder', 'decoder'],
  'zipformer2-ctc': ['model'],
};

export const asrDir = (dataDir: string) => path.join(dataDir, 'asr');
export const asrConfigPath = (dataDir: string) => path.join(asrDir(dataDir), 'config.json');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '') throw new Error(`${what} must be a non-empty string`);
  return v;
};
const optStr = (v: unknown, what: string): string | undefined => (v === undefined ? undefined : str(v, what));

/** A file name inside the model folder: no absolute paths, no climbing out. */
function fileName(v: unknown, what: string): string {
  const name = str(v, what);
  if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) throw new Error(`${what} must be a path inside the model folder`);
  return name;
}

function parseEntry(v: unknown, i: number): SherpaModelEntry {
  const at = `models[${i}]`;
  if (!isObject(v)) throw new Error(`${at} must be an object`);
  const type = v.type as SherpaModelType;
  if (!TYPES.includes(type)) throw new Error(`${at}.type must be one of ${TYPES.join(', ')}`);
  if (!isObject(v.files)) throw new Error(`${at}.files must be an object`);
  const files: SherpaModelEntry['files'] = {};
  for (const key of REQUIRED_FILES[type]) files[key] = fileName(v.files[key], `${at}.files.${key}`);
  if (!Array.isArray(v.languages) || v.languages.length === 0 || !v.languages.every((l) => LANGUAGES.includes(l as AsrLanguage))) {
    throw new Error(`${at}.languages must list some of ${LANGUAGES.join(', ')}`);
  }
  const entry: SherpaModelEntry = {
    name: str(v.name, `${at}.name`),
    dir: str(v.dir, `${at}.dir`),
    type,
    files,
    tokens: fileName(v.tokens, `${at}.tokens`),
    languages: [...new Set(v.languages as AsrLanguage[])],
  };
  const modelingUnit = optStr(v.modelingUnit, `${at}.modelingUnit`);
  if (modelingUnit !== undefined) entry.modelingUnit = modelingUnit;
  if (v.bpeVocab !== undefined) entry.bpeVocab = fileName(v.bpeVocab, `${at}.bpeVocab`);
  const sha256 = optStr(v.sha256, `${at}.sha256`);
  if (sha256 !== undefined) entry.sha256 = sha256;
  const installedAt = optStr(v.installedAt, `${at}.installedAt`);
  if (installedAt !== undefined) entry.installedAt = installedAt;
  return entry;
}

/** Validates a parsed config.json; throws with the first problem found. */
export function parseAsrConfig(json: unknown): AsrConfig {
  if (!isObject(json)) throw new Error('the ASR config must be a JSON object');
  if (json.version !== 1) throw new Error(`unsupported ASR config version: ${String(json.version)}`);
  if (!Array.isArray(json.models)) throw new Error('models must be an array');
  const models = json.models.map(parseEntry);
  const names = new Set<string>();
  for (const m of models) {
    if (names.has(m.name)) throw new Error(`model "${m.name}" is listed twice`);
    names.add(m.name);
  }
  return { version: 1, models };
}

/** Reads the config; a missing file is an empty config, a broken one is reported, not thrown. */
export function readAsrConfig(dataDir: string): { config: AsrConfig; error?: Error } {
  const file = asrConfigPath(dataDir);
  if (!existsSync(file)) return { config: EMPTY_CONFIG };
  try {
    return { config: parseAsrConfig(JSON.parse(readFileSync(file, 'utf8'))) };
  } catch (err) {
    return { config: EMPTY_CONFIG, error: new Error(`${file}: ${(err as Error).message}`) };
  }
}

export function writeAsrConfig(dataDir: string, config: AsrConfig): void {
  const file = asrConfigPath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(parseAsrConfig(config), null, 2)}\n`);
  renameSync(tmp, file);
}

/** Puts `entry` first (replacing a model of the same name): the newest install wins. */
export function withModel(config: AsrConfig, entry: SherpaModelEntry): AsrConfig {
  return { version: 1, models: [entry, ...config.models.filter((m) => m.name !== entry.name)] };
}

/** Absolute paths of a model's files. */
export function modelPaths(dataDir: string, entry: SherpaModelEntry) {
  const dir = path.resolve(asrDir(dataDir), entry.dir);
  const at = (f: string | undefined) => (f === undefined ? undefined : path.join(dir, f));
  return {
    dir,
    encoder: at(entry.files.encoder),
    decoder: at(entry.files.decoder),
    joiner: at(entry.files.joiner),
    model: at(entry.files.model),
    tokens: path.join(dir, entry.tokens),
    bpeVocab: at(entry.bpeVocab),
  };
}

/** The files of a model that are not on disk (an empty list when it is complete). */
export function missingFiles(dataDir: string, entry: SherpaModelEntry): string[] {
  const p = modelPaths(dataDir, entry);
  const wanted = [...REQUIRED_FILES[entry.type].map((k) => p[k]), p.tokens, p.bpeVocab];
  return wanted.filter((f): f is string => f !== undefined && !existsSync(f));
}
