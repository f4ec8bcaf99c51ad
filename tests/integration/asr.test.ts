import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTranscriber, type AsrStream, type FinalSegment, type PartialSegment, type Transcriber } from '../../server/src/features/transcript/asr/index.js';
import { installModel, sha256Folder } from '../../server/src/features/transcript/asr/install.js';
import { compose, ENGLISH, haveCommand, MANDARIN, normalise, RATE } from '../helpers/asrAudio.js';
import { tempDir } from '../helpers/harness.js';
import { writeTinyTransducer } from '../helpers/tinyAsrModel.js';

const run = promisify(execFile);
const speechTools = haveCommand('espeak-ng') && haveCommand('sox');
const pocketsphinxInstalled =
  ['/usr/lib/x86_64-linux-gnu/libpocketsphinx.so.3', '/usr/lib/aarch64-linux-gnu/libpocketsphinx.so.3'].some(existsSync) &&
  existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin');

function collect(stream: AsrStream) {
  const finals: FinalSegment[] = [];
  const partials: PartialSegment[] = [];
  const errors: Error[] = [];
  stream.on('final', (f) => finals.push(f));
  stream.on('partial', (p) => partials.push(p));
  stream.on('error', (e) => errors.push(e));
  return { finals, partials, errors };
}

async function feed(stream: AsrStream, pcm: Int16Array): Promise<void> {
  for (let i = 0; i < pcm.length; i += RATE / 10) stream.push(pcm.subarray(i, i + RATE / 10));
  await stream.end();
}

const transcribers: Transcriber[] = [];
const transcriber = (options: Parameters<typeof createTranscriber>[0]) => {
  const t = createTranscriber(options);
  transcribers.push(t);
  return t;
};
afterAll(async () => {
  await Promise.all(transcribers.map((t) => t.close()));
});

describe.skipIf(!speechTools)('ASR pipeline on synthetic speech', () => {
  it.skipIf(!pocketsphinxInstalled)('pocketsphinx recognises English sentences; segments follow the pauses; silence gives nothing', async () => {
    const sentences = [
      'The committee will now vote on the budget proposal.',
      'We need more time to discuss the report.',
      'The secretary will publish the minutes next week.',
    ];
    const keyWords = ['committee', 'vote', 'budget', 'proposal', 'need', 'time', 'discuss', 'report', 'secretary', 'publish', 'minutes', 'week'];
    const { pcm, phrases } = compose(sentences, { gapMs: 1500, ...ENGLISH });
    const t = transcriber({ dataDir: tempDir('asr-'), sherpa: false });
    expect(t.describe('en')).toEqual({ engine: 'pocketsphinx', model: 'cmusphinx en-us', recognises: true });
    expect(t.describe('zh')).toEqual({ engine: 'segments', model: null, recognises: false });

    const stream = t.start({ language: 'en', hotwords: ['Anna'] });
    const { finals, partials, errors } = collect(stream);
    await feed(stream, pcm);
    expect(errors).toEqual([]);
    expect(finals).toHaveLength(3);
    finals.forEach((f, i) => {
      expect(Math.abs(f.startMs - phrases[i]!.startMs)).toBeLessThanOrEqual(300);
      expect(Math.abs(f.endMs - phrases[i]!.endMs)).toBeLessThanOrEqual(300);
      expect(f.clip.length).toBe(Math.round(((f.endMs - f.startMs) * RATE) / 1000));
      expect(f.confidence).not.toBeNull();
      expect(f.confidence!).toBeGreaterThan(0);
      expect(f.confidence!).toBeLessThanOrEqual(1);
    });
    const heard = new Set(normalise(finals.map((f) => f.text).join(' ')).split(' '));
    const found = keyWords.filter((w) => heard.has(w) || heard.has(`${w}s`));
    // pocketsphinx's general English model on synthetic speech: about half the words come out right.
    expect(found.length, `recognised: ${finals.map((f) => f.text).join(' | ')}`).toBeGreaterThanOrEqual(6);
    expect(partials.length).toBeGreaterThan(0);
    for (const p of partials) expect(finals.some((f) => Math.abs(f.startMs - p.startMs) < 300)).toBe(true);

    const quiet = t.start({ language: 'en', hotwords: [] });
    const silence = collect(quiet);
    await feed(quiet, new Int16Array(5 * RATE));
    expect(silence.finals).toEqual([]);
  });

  it('segments-only mode cuts Mandarin speech into its sentences, with clips', async () => {
    const sentences = ['现在开始今天的会议。', '请各位代表发言。', '会议到此结束，谢谢大家。'];
    const { pcm, phrases } = compose(sentences, { gapMs: 1200, ...MANDARIN });
    const t = transcriber({ dataDir: tempDir('asr-'), sherpa: false });
    const stream = t.start({ language: 'zh', hotwords: ['张三'] });
    const { finals, partials, errors } = collect(stream);
    await feed(stream, pcm);
    expect(errors).toEqual([]);
    expect(partials).toEqual([]);
    expect(finals).toHaveLength(3);
    finals.forEach((f, i) => {
      expect(f.text).toBe('');
      expect(f.confidence).toBeNull();
      expect(Math.abs(f.startMs - phrases[i]!.startMs)).toBeLessThanOrEqual(300);
      expect(Math.abs(f.endMs - phrases[i]!.endMs)).toBeLessThanOrEqual(300);
      const expected = pcm.subarray(Math.round((f.startMs * RATE) / 1000), Math.round((f.startMs * RATE) / 1000) + f.clip.length);
      expect(f.clip.length).toBeGreaterThan(RATE / 2);
      expect(Array.from(f.clip.subarray(0, 2000))).toEqual(Array.from(expected.subarray(0, 2000)));
    });
  });

  it('sherpa-onnx loads and streams a generated model installed with asr:install (checksum checked)', async () => {
    const dataDir = tempDir('asr-');
    const source = path.join(tempDir('asr-model-'), 'tiny-transducer-zh-en');
    writeTinyTransducer(source, { voicedThreshold: -10 });
    const sha = await sha256Folder(source);

    // The command line, as an operator runs it: a wrong checksum is refused and nothing is installed.
    const cli = path.resolve('server/src/tools/asrInstall.ts');
    const env = { ...process.env, DATA_DIR: dataDir };
    const refused = await run(process.execPath, ['--import', 'tsx', cli, source, '--sha256', '0'.repeat(64)], { env }).catch(
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect('code' in refused && refused.code).toBe(1);
    expect(refused.stderr).toContain('checksum mismatch');
    expect(refused.stdout).toContain(`sha256 ${sha}`);
    expect(existsSync(path.join(dataDir, 'asr', 'config.json'))).toBe(false);

    const ok = await run(process.execPath, ['--import', 'tsx', cli, source, '--sha256', sha], { env });
    expect(ok.stdout).toContain(`sha256 ${sha}`);
    const config = JSON.parse(readFileSync(path.join(dataDir, 'asr', 'config.json'), 'utf8'));
    expect(config.models[0]).toMatchObject({ name: 'tiny-transducer-zh-en', type: 'transducer', languages: ['zh', 'en'], sha256: sha });
    expect(existsSync(path.join(dataDir, 'asr', 'models', 'tiny-transducer-zh-en', 'joiner-tiny.onnx'))).toBe(true);

    const t = transcriber({ dataDir });
    expect(t.describe('zh')).toEqual({ engine: 'sherpa-onnx', model: 'tiny-transducer-zh-en', recognises: true });
    expect(t.describe('en')).toEqual({ engine: 'sherpa-onnx', model: 'tiny-transducer-zh-en', recognises: true });

    const { pcm } = compose(['现在开始今天的会议。', '请各位代表发言。'], { gapMs: 1500, ...MANDARIN });
    for (const hotwords of [[], ['x']]) {
      const stream = t.start({ language: 'zh', hotwords });
      const { finals, partials, errors } = collect(stream);
      await feed(stream, pcm);
      expect(errors).toEqual([]);
      expect(finals).toHaveLength(2);
      for (const f of finals) expect(f.text).toMatch(/^(x\|)+x?\|?$/);
      expect(partials.length).toBeGreaterThan(0);
    }
  });

  it('an archive installs too; a folder without a known model is refused', async () => {
    const dataDir = tempDir('asr-');
    const folder = tempDir('asr-model-');
    writeTinyTransducer(path.join(folder, 'tiny-en'));
    const archive = path.join(folder, 'tiny-en.tar.bz2');
    await run('tar', ['-cjf', archive, '-C', folder, 'tiny-en']);
    const lines: string[] = [];
    const result = await installModel({ source: archive, dataDir, name: 'tiny-en', print: (l) => lines.push(l) });
    expect(result.entry.languages).toEqual(['en']);
    expect(lines[0]).toMatch(/^sha256 [0-9a-f]{64}$/);

    const empty = path.join(folder, 'not-a-model');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'tokens.txt'), 'a 0\n');
    await expect(installModel({ source: empty, dataDir, languages: ['zh'] })).rejects.toThrow(/no known sherpa-onnx streaming model/);
  });

  it('a throwing engine does not crash the process; the stream still emits segments', async () => {
    const { pcm } = compose(['The meeting is open.', 'Please take your seats.', 'Thank you.'], { gapMs: 1200, ...ENGLISH });
    let calls = 0;
    const t = transcriber({
      dataDir: tempDir('asr-'),
      recogniser: () => ({
        begin: () => {},
        accept: () => {
          if (++calls === 5) throw new Error('native engine failure');
        },
        partial: () => 'something',
        finish: () => ({ text: 'something', confidence: 0.9 }),
        release: () => {},
      }),
    });
    const stream = t.start({ language: 'en', hotwords: [] });
    const { finals, errors } = collect(stream);
    await feed(stream, pcm);
    expect(errors.map((e) => e.message)).toEqual(['native engine failure']);
    expect(finals).toHaveLength(3);
    expect(finals.at(-1)!.text).toBe('');
    expect(finals.every((f) => f.clip.length > 0)).toBe(true);
  });

  it('a broken installed model falls back at start()', async () => {
    const dataDir = tempDir('asr-');
    const source = path.join(tempDir('asr-model-'), 'broken-zh');
    writeTinyTransducer(source);
    await installModel({ source, dataDir, probe: false });
    writeFileSync(path.join(dataDir, 'asr', 'models', 'broken-zh', 'encoder-tiny.onnx'), 'not an onnx file');
    const t = transcriber({ dataDir });
    expect(t.describe('zh').engine).toBe('sherpa-onnx');
    const stream = t.start({ language: 'zh', hotwords: [] });
    expect(t.describe('zh')).toEqual({ engine: 'segments', model: null, recognises: false });
    const { finals } = collect(stream);
    await feed(stream, compose(['会议开始。'], MANDARIN).pcm);
    expect(finals).toHaveLength(1);
    expect(finals[0]!.text).toBe('');
  });
});
