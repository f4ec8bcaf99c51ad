/**
 * Speech recognition benchmark: synthesises a test set with espeak-ng, then
 *  1. runs it through the transcript pipeline as fast as it goes: real-time factor (RTF)
 *     and character error rate (CER, case and punctuation ignored) against the script;
 *  2. plays it in real time (100 ms chunks at wall-clock pace): caption latency, from the
 *     end of each phrase to its final segment.
 * Mandarin sentences go through the segments-only engine (no Mandarin model ships here)
 * and are checked for the number of segments.
 *
 *   npm run bench:asr            (DATA_DIR selects an installed sherpa-onnx model, if any)
 *
 * Prints one JSON line.
 */
import { cpus } from 'node:os';
import { loadConfig } from '../server/src/config.js';
import { createTranscriber, type AsrLanguage, type AsrStream, type FinalSegment, type Transcriber } from '../server/src/features/transcript/asr/index.js';
import { compose, ENGLISH, MANDARIN, normalise, RATE, type Phrase } from '../tests/helpers/asrAudio.js';
import { percentile, round } from './lib.js';

const ENGLISH_SENTENCES = [
  'The committee will now vote on the budget proposal.',
  'Please open the meeting and read the agenda.',
  'The chair gives the floor to the next speaker.',
  'We need more time to discuss the report.',
  'Thank you all for coming to this meeting today.',
  'The motion is carried by a large majority.',
  'I would like to ask a question about the schedule.',
  'The next item on the agenda is the annual report.',
  'Members should send their comments before Friday.',
  'The secretary will publish the minutes next week.',
  'We agree with the proposal from the working group.',
  'The meeting is closed and we will meet again in March.',
];
const MANDARIN_SENTENCES = ['现在开始今天的会议。', '请各位代表发言。', '我们讨论一下明年的预算。', '会议到此结束，谢谢大家。'];
const GAP_MS = 1200;

function editDistance<T>(a: T[], b: T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function collect(stream: AsrStream, onFinal?: (f: FinalSegment) => void): FinalSegment[] {
  const finals: FinalSegment[] = [];
  stream.on('final', (f) => {
    finals.push(f);
    onFinal?.(f);
  });
  stream.on('error', (err) => console.error(`[bench:asr] engine error: ${err.message}`));
  return finals;
}

async function fast(t: Transcriber, language: AsrLanguage, pcm: Int16Array) {
  const stream = t.start({ language, hotwords: [] });
  const finals = collect(stream);
  const started = performance.now();
  for (let i = 0; i < pcm.length; i += RATE / 10) stream.push(pcm.subarray(i, i + RATE / 10));
  await stream.end();
  const seconds = (performance.now() - started) / 1000;
  return { finals, rtf: seconds / (pcm.length / RATE) };
}

/** Feeds 100 ms chunks at wall-clock pace; latency = final event time − wall time of the phrase's end. */
async function realTime(t: Transcriber, language: AsrLanguage, pcm: Int16Array, phrases: Phrase[]): Promise<number[]> {
  const stream = t.start({ language, hotwords: [] });
  const latencies: number[] = [];
  const chunk = RATE / 10;
  const t0 = performance.now();
  collect(stream, (f) => {
    const now = performance.now();
    const phrase = phrases.find((p) => f.startMs < p.endMs && f.endMs > p.startMs);
    if (phrase) latencies.push(now - (t0 + phrase.endMs));
  });
  for (let i = 0; i < pcm.length; i += chunk) {
    const due = t0 + ((i + chunk) * 1000) / RATE; // the chunk is complete at this wall time
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    stream.push(pcm.subarray(i, i + chunk));
  }
  await stream.end();
  return latencies;
}

const { dataDir } = loadConfig(process.env);
// BENCH_ASR_PS_ARGS='["-fwdflat","no"]' tries other pocketsphinx settings.
const psArgs = process.env.BENCH_ASR_PS_ARGS ? (JSON.parse(process.env.BENCH_ASR_PS_ARGS) as string[]) : undefined;
const t = createTranscriber({ dataDir, ...(psArgs && { pocketsphinx: { args: psArgs } }) });
const engine = t.describe('en');
console.error(
  `[bench:asr] engine ${engine.engine} (${engine.model ?? 'no model'}); synthesising ${ENGLISH_SENTENCES.length} English and ${MANDARIN_SENTENCES.length} Mandarin sentences`,
);

const en = compose(ENGLISH_SENTENCES, { gapMs: GAP_MS, ...ENGLISH });
const zh = compose(MANDARIN_SENTENCES, { gapMs: GAP_MS, ...MANDARIN });

// Warm-up (loads the model and the VAD), then the timed pass.
await fast(t, 'en', en.pcm.subarray(0, 5 * RATE));
const enRun = await fast(t, 'en', en.pcm);
const hyp = normalise(enRun.finals.map((f) => f.text).join(' '));
const ref = normalise(ENGLISH_SENTENCES.join(' '));
const cer = editDistance(Array.from(hyp), Array.from(ref)) / ref.length;
const wer = editDistance(hyp.split(' '), ref.split(' ')) / ref.split(' ').length;

const zhTranscriber = createTranscriber({ dataDir, sherpa: false });
const zhRun = await fast(zhTranscriber, 'zh', zh.pcm);

console.error(`[bench:asr] real-time pass: ${round(en.pcm.length / RATE, 0)} s of audio`);
const latencies = await realTime(t, 'en', en.pcm, en.phrases);
await t.close();
await zhTranscriber.close();

console.log(
  JSON.stringify({
    bench: 'asr',
    engine: engine.engine,
    model: engine.model,
    rtf: round(enRun.rtf, 3),
    cer: round(cer, 3),
    caption_latency_p95_ms: Math.round(percentile(latencies, 95)),
    sentences: ENGLISH_SENTENCES.length,
    wer: round(wer, 3),
    segments: enRun.finals.length,
    caption_latency_p50_ms: Math.round(percentile(latencies, 50)),
    captions_timed: latencies.length,
    zh_engine: zhTranscriber.describe('zh').engine,
    zh_sentences: MANDARIN_SENTENCES.length,
    zh_segments: zhRun.finals.length,
    zh_rtf: round(zhRun.rtf, 3),
    audio_s: round(en.pcm.length / RATE, 1),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
  }),
);
