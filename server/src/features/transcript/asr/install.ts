import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  copyFileSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { asrDir, readAsrConfig, REQUIRED_FILES, withModel, writeAsrConfig, type SherpaModelEntry, type SherpaModelType } from './config.js';
import { probeModel } from './sherpa.js';
import type { AsrLanguage } from './types.js';

const run = promisify(execFile);

/**
 * `npm run asr:install -- <archive|folder|URL> [--sha256 <hex>] [--name <name>] [--languages zh,en]`
 *
 * Installs a sherpa-onnx streaming model as published (a .tar.bz2 / .tar.gz archive with
 * an *.onnx set and tokens.txt), a folder holding one, or an http(s) URL of an archive.
 * The checksum of an archive is its sha256; of a folder, the sha256 of its manifest:
 *   cd DIR && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum
 */
export interface InstallOptions {
  source: string;
  dataDir: string;
  sha256?: string;
  name?: string;
  languages?: AsrLanguage[];
  /** Check that sherpa-onnx loads the model, in a child process (default true). */
  probe?: boolean;
  print?: (line: string) => void;
}

export interface InstallResult {
  entry: SherpaModelEntry;
  sha256: string;
  dir: string;
}

// ---- checksums ------------------------------------------------------------------------

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function listFiles(dir: string, prefix = '.'): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** sha256 of the `sha256sum` lines of every file, sorted by path (bytewise). */
export async function sha256Folder(dir: string): Promise<string> {
  const files = listFiles(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let manifest = '';
  for (const f of files) manifest += `${await sha256File(path.join(dir, f))}  ${f}\n`;
  return createHash('sha256').update(manifest).digest('hex');
}

// ---- recognising a model folder -------------------------------------------------------

export interface DetectedModel {
  type: SherpaModelType;
  files: SherpaModelEntry['files'];
  tokens: string;
  bpeVocab?: string;
}

/**
 * Picks the model files among a folder's names. Where a file exists both as float and int8,
 * the int8 encoder and joiner are taken (smaller, faster on CPU) with the float decoder.
 * Language-model files (no-state-*, with-state-*, lm*) are ignored.
 */
export function detectModel(names: string[]): DetectedModel {
  const onnx = names.filter((n) => n.endsWith('.onnx') && !/^(no-state|with-state|lm)/.test(n));
  const pick = (role: string, preferInt8: boolean): string | undefined => {
    const candidates = onnx.filter((n) => n.startsWith(role)).sort();
    const int8 = candidates.filter((n) => n.includes('.int8.'));
    const float = candidates.filter((n) => !n.includes('.int8.'));
    return preferInt8 ? (int8[0] ?? float[0]) : (float[0] ?? int8[0]);
  };
  if (!names.includes('tokens.txt')) throw new Error('tokens.txt is missing');
  const encoder = pick('encoder', true);
  const decoder = pick('decoder', false);
  const joiner = pick('joiner', true);
  const bpeVocab = names.includes('bpe.vocab') ? { bpeVocab: 'bpe.vocab' } : {};
  if (encoder && decoder && joiner) return { type: 'transducer', files: { encoder, decoder, joiner }, tokens: 'tokens.txt', ...bpeVocab };
  if (encoder && decoder) return { type: 'paraformer', files: { encoder, decoder }, tokens: 'tokens.txt', ...bpeVocab };
  const single = pick('ctc', true) ?? pick('model', true) ?? (onnx.length === 1 ? onnx[0] : undefined);
  if (single && !encoder && !decoder) return { type: 'zipformer2-ctc', files: { model: single }, tokens: 'tokens.txt', ...bpeVocab };
  throw new Error(
    `no known sherpa-onnx streaming model in: ${onnx.join(', ') || '(no .onnx file)'} — expected encoder/decoder/joiner (transducer), encoder/decoder (paraformer) or one ctc model (zipformer2 CTC)`,
  );
}

/** Languages from the model's name, e.g. '…-bilingual-zh-en-…' → zh, en. */
export function languagesFromName(name: string): AsrLanguage[] {
  const n = name.toLowerCase();
  const langs: AsrLanguage[] = [];
  if (/(^|[-_])(zh|chinese|wenetspeech|multi-zh|aishell)([-_]|$)/.test(n) || n.includes('zh-')) langs.push('zh');
  if (/(^|[-_])(en|english|librispeech|gigaspeech)([-_]|$)/.test(n) || n.includes('-en-')) langs.push('en');
  return langs;
}

export function modelingUnitFor(languages: AsrLanguage[], hasBpeVocab: boolean): string {
  if (!hasBpeVocab) return 'cjkchar';
  return languages.includes('zh') ? 'cjkchar+bpe' : 'bpe';
}

// ---- fetching and unpacking -----------------------------------------------------------

async function download(url: string, to: string, print: (l: string) => void): Promise<void> {
  print(`downloading ${url}`);
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`download failed: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(to));
}

/** The folder that holds tokens.txt: the archive root or its single top folder. */
function modelRoot(dir: string): string {
  if (existsSync(path.join(dir, 'tokens.txt'))) return dir;
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
  const only = entries[0];
  if (entries.length === 1 && only?.isDirectory()) return modelRoot(path.join(dir, only.name));
  throw new Error('no tokens.txt found (expected at the top of the archive or in its single folder)');
}

const archiveName = (source: string) => path.basename(new URL(source, 'file:///').pathname).replace(/\.(tar\.bz2|tbz2?|tar\.gz|tgz|tar)$/, '');

export async function installModel(options: InstallOptions): Promise<InstallResult> {
  const print = options.print ?? (() => {});
  const work = mkdtempSync(path.join(tmpdir(), 'asr-install-'));
  try {
    let source = options.source;
    const isUrl = /^https?:\/\//i.test(source);
    if (isUrl) {
      const file = path.join(work, path.basename(new URL(source).pathname) || 'model.tar.bz2');
      await download(source, file, print);
      source = file;
    } else {
      source = path.resolve(source);
      if (!existsSync(source)) throw new Error(`${source} does not exist`);
    }
    const isFolder = statSync(source).isDirectory();
    const sha256 = isFolder ? await sha256Folder(source) : await sha256File(source);
    print(`sha256 ${sha256}${isFolder ? ' (folder manifest)' : ''}`);
    if (options.sha256 && options.sha256.toLowerCase() !== sha256) {
      throw new Error(`checksum mismatch: expected ${options.sha256.toLowerCase()}, got ${sha256}`);
    }

    let root = source;
    if (!isFolder) {
      const unpacked = path.join(work, 'unpacked');
      mkdirSync(unpacked);
      const flag = /\.(tar\.bz2|tbz2?)$/.test(source) ? 'j' : /\.(tar\.gz|tgz)$/.test(source) ? 'z' : '';
      await run('tar', [`-x${flag}f`, source, '-C', unpacked, '--no-same-owner']);
      root = modelRoot(unpacked);
    } else {
      root = modelRoot(source);
    }

    const detected = detectModel(readdirSync(root));
    const name = options.name ?? (isFolder ? path.basename(root) : archiveName(options.source));
    if (!/^[\w.+-]+$/.test(name)) throw new Error(`invalid model name "${name}" (letters, digits, . _ + - only)`);
    const languages = options.languages ?? languagesFromName(name);
    if (languages.length === 0) throw new Error(`cannot tell the model's languages from "${name}": pass --languages zh,en`);

    const entry: SherpaModelEntry = {
      name,
      dir: path.join('models', name),
      type: detected.type,
      files: detected.files,
      tokens: detected.tokens,
      languages,
      modelingUnit: modelingUnitFor(languages, detected.bpeVocab !== undefined),
      ...(detected.bpeVocab && { bpeVocab: detected.bpeVocab }),
      sha256,
      installedAt: new Date().toISOString(),
    };

    // Copy only what is used, into a staging folder renamed into place when complete.
    const target = path.join(asrDir(options.dataDir), entry.dir);
    const staging = `${target}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const keep = [...REQUIRED_FILES[entry.type].map((k) => entry.files[k]!), entry.tokens, ...(entry.bpeVocab ? [entry.bpeVocab] : [])];
    for (const f of keep) copyFileSync(path.join(root, f), path.join(staging, f));
    if (readFileSync(path.join(staging, entry.tokens), 'utf8').trim() === '') throw new Error('tokens.txt is empty');

    if (options.probe !== false) {
      const probeDir = path.join(work, 'probe');
      mkdirSync(path.join(probeDir, 'asr'), { recursive: true });
      const problem = probeModel(probeDir, { ...entry, dir: staging });
      if (problem) throw new Error(problem);
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);

    const { config, error } = readAsrConfig(options.dataDir);
    if (error) print(`warning: the previous config was unreadable and is replaced (${error.message})`);
    writeAsrConfig(options.dataDir, withModel(config, entry));
    print(`installed ${entry.type} model "${name}" (${languages.join(', ')}) into ${target}`);
    return { entry, sha256, dir: target };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
