import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A broadcast encoder stand-in: ffmpeg pushing a test pattern with a tone over RTMP, as
 * OBS would (H.264 baseline with a keyframe every second, AAC).
 */
export function pushTestPattern(url: string, seconds = 30): { process: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const ffmpeg = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=640x360:rate=25:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-c:v',
      'libx264',
      '-profile:v',
      'baseline',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '25',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '96k',
      '-f',
      'flv',
      url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  ffmpeg.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => ffmpeg.on('exit', (code) => resolve(code)));
  return { process: ffmpeg, exited, stderr: () => err };
}
