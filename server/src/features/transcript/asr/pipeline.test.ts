import { describe, expect, it } from 'vitest';
import type { Recogniser } from './engine.js';
import { PipelineStream } from './pipeline.js';
import type { FinalSegment, PartialSegment } from './types.js';
import { createEnergyDetector } from './vad.js';

const RATE = 16_000;

/** Tone bursts (speech stand-ins) at the given [startMs, endMs) ranges inside `totalMs` of silence. */
function bursts(totalMs: number, ranges: [number, number][]): Int16Array {
  const pcm = new Int16Array((totalMs * RATE) / 1000);
  for (const [a, b] of ranges) {
    for (let i = (a * RATE) / 1000; i < (b * RATE) / 1000; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / RATE));
  }
  return pcm;
}

function run(stream: PipelineStream, pcm: Int16Array, chunkMs = 100) {
  const finals: FinalSegment[] = [];
  const partials: PartialSegment[] = [];
  const errors: Error[] = [];
  stream.on('final', (f) => finals.push(f));
  stream.on('partial', (p) => partials.push(p));
  stream.on('error', (e) => errors.push(e));
  const n = (chunkMs * RATE) / 1000;
  for (let i = 0; i < pcm.length; i += n) stream.push(pcm.subarray(i, i + n));
  return { finals, partials, errors };
}

/** Counts samples; its text is the number of samples it heard, in hundreds of ms. */
function countingRecogniser() {
  const log: string[] = [];
  let heard = 0;
  const r: Recogniser = {
    begin: () => {
      heard = 0;
      log.push('begin');
    },
    accept: (pcm) => void (heard += pcm.length),
    partial: () => `heard ${Math.floor(heard / 1600)}`,
    finish: () => {
      log.push('finish');
      return { text: `heard ${Math.floor(heard / 1600)}`, confidence: 0.5 };
    },
    release: () => void log.push('release'),
  };
  return { r, log };
}

const detector = () => createEnergyDetector({ minSilenceMs: 300, minSpeechMs: 100 });

describe('PipelineStream', () => {
  it('cuts speech into segments with start/end times and clips', async () => {
    const s = new PipelineStream({ detector: detector(), recogniser: null });
    const { finals, partials } = run(
      s,
      bursts(6000, [
        [1000, 2000],
        [3000, 4500],
      ]),
    );
    await s.end();
    expect(finals).toHaveLength(2);
    expect(partials).toHaveLength(0);
    const expected: [number, number][] = [
      [1000, 2000],
      [3000, 4500],
    ];
    for (const [f, [a, b]] of finals.map((f, i) => [f, expected[i]!] as const)) {
      expect(Math.abs(f.startMs - a)).toBeLessThan(150);
      expect(Math.abs(f.endMs - b)).toBeLessThan(150);
      expect(f.text).toBe('');
      expect(f.confidence).toBeNull();
      expect(f.clip.length).toBe(((f.endMs - f.startMs) * RATE) / 1000);
    }
  });

  it('emits nothing for silence', async () => {
    const s = new PipelineStream({ detector: detector(), recogniser: null });
    const { finals } = run(s, bursts(5000, []));
    await s.end();
    expect(finals).toHaveLength(0);
  });

  it('feeds the recogniser the whole segment, emits partials while speech goes on and the text at the end', async () => {
    const { r, log } = countingRecogniser();
    const s = new PipelineStream({ detector: detector(), recogniser: r, partialIntervalMs: 400 });
    const { finals, partials } = run(s, bursts(5000, [[1000, 3000]]));
    await s.end();
    expect(finals).toHaveLength(1);
    const heard = Number(finals[0]!.text.split(' ')[1]);
    // the segment (about 2 s) plus the silence before the end was detected, in 100 ms units
    expect(heard).toBeGreaterThanOrEqual(20);
    expect(heard).toBeLessThanOrEqual(26);
    expect(finals[0]!.confidence).toBe(0.5);
    expect(partials.length).toBeGreaterThanOrEqual(3);
    expect(new Set(partials.map((p) => p.startMs)).size).toBe(1);
    expect(Math.abs(partials[0]!.startMs - finals[0]!.startMs)).toBeLessThan(100);
    expect(log).toEqual(['begin', 'finish', 'release']);
  });

  it('cuts a segment that runs longer than the maximum', async () => {
    const s = new PipelineStream({ detector: detector(), recogniser: null, maxSegmentMs: 2000 });
    const { finals } = run(s, bursts(7000, [[500, 5600]]));
    await s.end();
    expect(finals.length).toBe(3);
    expect(finals[0]!.endMs - finals[0]!.startMs).toBeLessThanOrEqual(2000);
    expect(finals[1]!.startMs).toBeGreaterThanOrEqual(finals[0]!.endMs);
    expect(finals.at(-1)!.endMs).toBeGreaterThan(5400);
  });

  it('end() flushes the segment in progress', async () => {
    const { r } = countingRecogniser();
    const s = new PipelineStream({ detector: detector(), recogniser: r });
    const { finals } = run(s, bursts(3000, [[1000, 3000]]));
    expect(finals).toHaveLength(0);
    await s.end();
    await s.end();
    expect(finals).toHaveLength(1);
    expect(finals[0]!.endMs).toBe(3000);
    expect(finals[0]!.text).toMatch(/^heard \d+$/);
    s.push(bursts(1000, [[0, 1000]]));
    expect(finals).toHaveLength(1);
  });

  it('a recogniser that throws is reported once; segments go on without text', async () => {
    let calls = 0;
    const r: Recogniser = {
      begin: () => {},
      accept: () => {
        if (++calls > 3) throw new Error('engine exploded');
      },
      partial: () => 'so far',
      finish: () => ({ text: 'never', confidence: 1 }),
      release: () => {},
    };
    const s = new PipelineStream({ detector: detector(), recogniser: r });
    const { finals, errors } = run(
      s,
      bursts(8000, [
        [500, 2000],
        [3000, 4000],
        [5000, 6000],
      ]),
    );
    await s.end();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('engine exploded');
    expect(finals).toHaveLength(3);
    expect(finals.map((f) => f.text)).toEqual(['', '', '']);
  });

  it('does not throw when nobody listens for errors', async () => {
    const r: Recogniser = {
      begin: () => {
        throw new Error('no');
      },
      accept: () => {},
      partial: () => '',
      finish: () => ({ text: '', confidence: null }),
      release: () => {},
    };
    const s = new PipelineStream({ detector: detector(), recogniser: r });
    const finals: FinalSegment[] = [];
    s.on('final', (f) => finals.push(f));
    expect(() => s.push(bursts(3000, [[500, 1500]]))).not.toThrow();
    await s.end();
    expect(finals).toHaveLength(1);
  });

  it('accepts chunks of any size', async () => {
    const pcm = bursts(4000, [[1000, 2000]]);
    const results: number[][][] = [];
    for (const chunkMs of [7, 100, 1000]) {
      const s = new PipelineStream({ detector: detector(), recogniser: null });
      const { finals } = run(s, pcm, chunkMs);
      await s.end();
      results.push(finals.map((f) => [f.startMs, f.endMs]));
    }
    expect(results[0]).toHaveLength(1);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
