import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { tempDir } from './harness.js';

/** Speaks `text` with espeak-ng into a WAV file (English: en-us+m3 at 120 wpm recognises best). */
export function synthesize(text: string, voice = 'en-us+m3', speed = 120): string {
  const file = path.join(tempDir('speech-'), 'speech.wav');
  execFileSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', file, text]);
  return file;
}

/**
 * Plays a WAV file as Opus RTP (payload type 111, the given SSRC) in real time to a
 * plain transport, as a member's microphone would send it. Resolves when it is done.
 * `localPort` keeps the source port the same across plays: a comedia transport locks
 * onto the address of the first packet it receives.
 */
export function playAsOpusRtp(wav: string, ip: string, port: number, ssrc: number, localPort: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-i',
        wav,
        '-af',
        'apad=pad_dur=1',
        '-c:a',
        'libopus',
        '-ar',
        '48000',
        '-ac',
        '2',
        '-b:a',
        '48k',
        '-payload_type',
        '111',
        '-ssrc',
        String(ssrc),
        '-f',
        'rtp',
        `udp://${ip}:${port}?localport=${localPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    ffmpeg.stderr.on('data', (d: Buffer) => (err += d.toString()));
    ffmpeg.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err}`))));
  });
}

export const OPUS_MIC = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 }, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
});

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  const port = await new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
  socket.close();
  return port;
}
