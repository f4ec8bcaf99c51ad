import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseEngine, describeChoice } from './choose.js';
import { asrConfigPath, missingFiles, parseAsrConfig, readAsrConfig, withModel, writeAsrConfig, type SherpaModelEntry } from './config.js';
import { detectModel, languagesFromName, modelingUnitFor } from './install.js';
import { buildRecognizerConfig, hotwordsText } from './sherpa.js';

const bilingual: SherpaModelEntry = {
  name: 'sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
  dir: 'models/sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
  type: 'transducer',
  files: { encoder: 'encoder-epoch-99-avg-1.int8.onnx', decoder: 'decoder-epoch-99-avg-1.onnx', joiner: 'joiner-epoch-99-avg-1.int8.onnx' },
  tokens: 'tokens.txt',
  languages: ['zh', 'en'],
  modelingUnit: 'cjkchar+bpe',
  bpeVocab: 'bpe.vocab',
};

describe('chooseEngine', () => {
  const none = { sherpaModels: [], pocketsphinx: false };
  it('prefers an installed sherpa-onnx model that covers the language', () => {
    const avail = {
      sherpaModels: [
        { name: 'zh-only', languages: ['zh' as const] },
        { name: 'both', languages: ['zh' as const, 'en' as const] },
      ],
      pocketsphinx: true,
    };
    expect(chooseEngine('zh', avail)).toEqual({ engine: 'sherpa-onnx', model: 'zh-only' });
    expect(chooseEngine('en', avail)).toEqual({ engine: 'sherpa-onnx', model: 'both' });
  });
  it('uses pocketsphinx for English only', () => {
    const avail = { sherpaModels: [{ name: 'zh-only', languages: ['zh' as const] }], pocketsphinx: true };
    expect(chooseEngine('en', avail)).toEqual({ engine: 'pocketsphinx', model: 'cmusphinx en-us' });
    expect(chooseEngine('zh', { ...none, pocketsphinx: true })).toEqual({ engine: 'segments', model: null });
  });
  it('falls back to segments', () => {
    expect(describeChoice(chooseEngine('en', none))).toEqual({ engine: 'segments', model: null, recognises: false });
    expect(describeChoice(chooseEngine('en', { ...none, pocketsphinx: true }))).toEqual({ engine: 'pocketsphinx', model: 'cmusphinx en-us', recognises: true });
  });
});

describe('ASR config', () => {
  it('parses and round-trips a valid config', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'asr-config-'));
    expect(readAsrConfig(dir)).toEqual({ config: { version: 1, models: [] } });
    writeAsrConfig(dir, withModel({ version: 1, models: [] }, bilingual));
    const { config, error } = readAsrConfig(dir);
    expect(error).toBeUndefined();
    expect(config.models).toEqual([bilingual]);
    const again = withModel(config, { ...bilingual, name: 'other', languages: ['en'] });
    expect(again.models.map((m) => m.name)).toEqual(['other', bilingual.name]);
    expect(withModel(again, bilingual).models.map((m) => m.name)).toEqual([bilingual.name, 'other']);
  });

  it('rejects broken configs with a reason', () => {
    const bad = (patch: object) => () => parseAsrConfig({ version: 1, models: [{ ...bilingual, ...patch }] });
    expect(() => parseAsrConfig({ version: 2, models: [] })).toThrow(/version/);
    expect(() => parseAsrConfig([])).toThrow(/object/);
    expect(bad({ type: 'whisper' })).toThrow(/type/);
    expect(bad({ languages: ['fr'] })).toThrow(/languages/);
    expect(bad({ languages: [] })).toThrow(/languages/);
    expect(bad({ files: { encoder: 'e.onnx', decoder: 'd.onnx' } })).toThrow(/joiner/);
    expect(bad({ tokens: '../../etc/passwd' })).toThrow(/inside the model folder/);
    expect(bad({ files: { ...bilingual.files, encoder: '/abs.onnx' } })).toThrow(/inside the model folder/);
    expect(() => parseAsrConfig({ version: 1, models: [bilingual, bilingual] })).toThrow(/twice/);
  });

  it('reports an unreadable file instead of throwing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'asr-config-'));
    mkdirSync(path.dirname(asrConfigPath(dir)), { recursive: true });
    writeFileSync(asrConfigPath(dir), '{ not json');
    const { config, error } = readAsrConfig(dir);
    expect(config.models).toEqual([]);
    expect(error?.message).toContain('config.json');
  });

  it('lists missing model files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'asr-config-'));
    const modelDir = path.join(dir, 'asr', bilingual.dir);
    mkdirSync(modelDir, { recursive: true });
    for (const f of ['tokens.txt', 'bpe.vocab', bilingual.files.encoder!, bilingual.files.decoder!]) writeFileSync(path.join(modelDir, f), 'x');
    expect(missingFiles(dir, bilingual)).toEqual([path.join(modelDir, bilingual.files.joiner!)]);
  });
});

describe('model detection (install)', () => {
  it('recognises the published bilingual zipformer archive, preferring int8 encoder/joiner and ignoring LM files', () => {
    const names = [
      'README.md',
      'bpe.model',
      'bpe.vocab',
      'tokens.txt',
      'test_wavs',
      'decoder-epoch-99-avg-1.int8.onnx',
      'decoder-epoch-99-avg-1.onnx',
      'encoder-epoch-99-avg-1.int8.onnx',
      'encoder-epoch-99-avg-1.onnx',
      'joiner-epoch-99-avg-1.int8.onnx',
      'joiner-epoch-99-avg-1.onnx',
      'no-state-epoch-99-avg-1.onnx',
      'with-state-epoch-999-avg-1.onnx',
    ];
    expect(detectModel(names)).toEqual({ type: 'transducer', files: bilingual.files, tokens: 'tokens.txt', bpeVocab: 'bpe.vocab' });
  });
  it('recognises paraformer and zipformer2 CTC models', () => {
    expect(detectModel(['tokens.txt', 'encoder.int8.onnx', 'decoder.int8.onnx'])).toMatchObject({
      type: 'paraformer',
      files: { encoder: 'encoder.int8.onnx', decoder: 'decoder.int8.onnx' },
    });
    expect(
      detectModel(['tokens.txt', 'ctc-epoch-20-avg-1-chunk-16-left-128.onnx', 'ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx', 'bpe.model']),
    ).toMatchObject({
      type: 'zipformer2-ctc',
      files: { model: 'ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx' },
    });
  });
  it('refuses folders without tokens or without a known set', () => {
    expect(() => detectModel(['encoder.onnx', 'decoder.onnx', 'joiner.onnx'])).toThrow(/tokens.txt/);
    expect(() => detectModel(['tokens.txt', 'a.onnx', 'b.onnx'])).toThrow(/no known/);
    expect(() => detectModel(['tokens.txt'])).toThrow(/no .onnx/);
  });
  it('guesses languages from the name and the hotword unit from the files', () => {
    expect(languagesFromName('sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20')).toEqual(['zh', 'en']);
    expect(languagesFromName('sherpa-onnx-streaming-zipformer-en-2023-06-26')).toEqual(['en']);
    expect(languagesFromName('sherpa-onnx-streaming-zipformer-multi-zh-hans-2023-12-12')).toEqual(['zh']);
    expect(languagesFromName('my-model')).toEqual([]);
    expect(modelingUnitFor(['zh', 'en'], true)).toBe('cjkchar+bpe');
    expect(modelingUnitFor(['en'], true)).toBe('bpe');
    expect(modelingUnitFor(['zh', 'en'], false)).toBe('cjkchar');
  });
});

describe('sherpa-onnx recogniser config', () => {
  const info = { tokens: new Set(['张', '三', '会', '议', 'A']), upperLatin: true };
  it('uses modified beam search with hotwords for transducers', () => {
    const c = buildRecognizerConfig('/data', bilingual, 'ZHANG SAN\n张三', 2);
    expect(c.decodingMethod).toBe('modified_beam_search');
    expect(c.hotwordsBuf).toBe('ZHANG SAN\n张三');
    expect(c.hotwordsBufSize).toBe(Buffer.byteLength('ZHANG SAN\n张三'));
    expect(c.modelConfig.modelingUnit).toBe('cjkchar+bpe');
    expect(c.modelConfig.bpeVocab).toBe(`/data/asr/${bilingual.dir}/bpe.vocab`);
    expect(c.modelConfig.transducer?.joiner).toBe(`/data/asr/${bilingual.dir}/${bilingual.files.joiner}`);
    expect(c.modelConfig.numThreads).toBe(2);
    expect(buildRecognizerConfig('/data', bilingual, '').decodingMethod).toBe('greedy_search');
  });
  it('writes hotwords one a line, in the case of the model, without what cjkchar cannot encode', () => {
    expect(hotwordsText([' Zhang  San ', '张三', 'zhang san', '', '会议\n'], bilingual, info)).toBe('ZHANG SAN\n张三\n会议');
    expect(hotwordsText(['张三', '李四', 'Anna'], { ...bilingual, modelingUnit: 'cjkchar' }, info)).toBe('张三');
  });
});
