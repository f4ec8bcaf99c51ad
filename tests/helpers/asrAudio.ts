import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Test speech for the recognition layer: espeak-ng → WAV → sox → 16 kHz mono s16. */

export const RATE = 16_000;

/**
 * English voice for pocketsphinx. Measured on 12 meeting sentences with Debian's en-us
 * model: word error rate 0.80 with 'en-us+m3' at 120 wpm, 0.44 with 'en-us+klatt' at 150.
 */
export const ENGLISH = { voice: 'en-us+klatt', speed: 150 };
export const MANDARIN = { voice: 'cmn', speed: 150 };

export function haveCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Speaks `text` and returns 16 kHz mono s16 samples (espeak-ng's own leading/trailing silence included). */
export function speak(text: string, voice = ENGLISH.voice, speed = ENGLISH.speed): Int16Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'asr-speech-'));
  try {
    const wav = path.join(dir, 'speech.wav');
    const raw = path.join(dir, 'speech.raw');
    execFileSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', wav, text]);
    execFileSync('sox', ['-V1', wav, '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
    const buf = readFileSync(raw);
    return new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length - (buf.length % 2)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** First and last sample louder than about -50 dBFS. */
export function voicedBounds(pcm: Int16Array, threshold = 100): { first: number; last: number } {
  let first = 0;
  while (first < pcm.length && Math.abs(pcm[first]!) < threshold) first++;
  let last = pcm.length - 1;
  while (last > first && Math.abs(pcm[last]!) < threshold) last--;
  return { first, last };
}

export interface Phrase {
  text: string;
  /** Where its voice starts and ends in the composed audio. */
  startMs: number;
  endMs: number;
}

/** Phrases one after the other, `gapMs` of silence between them (and `leadMs` before the first, `tailMs` after the last). */
export function compose(
  texts: string[],
  options: { gapMs?: number; leadMs?: number; tailMs?: number; voice?: string; speed?: number } = {},
): { pcm: Int16Array; phrases: Phrase[] } {
  const gap = Math.round(((options.gapMs ?? 1500) * RATE) / 1000);
  const lead = Math.round(((options.leadMs ?? 1000) * RATE) / 1000);
  const tail = Math.round(((options.tailMs ?? 1500) * RATE) / 1000);
  const pieces: Int16Array[] = [];
  const phrases: Phrase[] = [];
  let at = lead;
  for (const [i, text] of texts.entries()) {
    const spoken = speak(text, options.voice, options.speed);
    const { first, last } = voicedBounds(spoken);
    const voice = spoken.subarray(first, last + 1);
    phrases.push({ text, startMs: (at * 1000) / RATE, endMs: ((at + voice.length) * 1000) / RATE });
    pieces.push(voice);
    at += voice.length + (i < texts.length - 1 ? gap : tail);
  }
  const pcm = new Int16Array(at);
  let o = lead;
  for (const [i, p] of pieces.entries()) {
    pcm.set(p, o);
    o += p.length + (i < pieces.length - 1 ? gap : 0);
  }
  return { pcm, phrases };
}

/** Lower case, letters, digits and CJK only, single spaces. */
export const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
