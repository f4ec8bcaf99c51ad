import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { mkdirSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MediaRoom, RtpOutput } from '@consult/sfu';
import type { RecordingInfo, StreamView } from '@consult/shared';
import type { Logger } from 'pino';

/** What goes on the public stream: one video and the audio of whoever may speak. */
export interface Composition {
  video: { producerId: string; participantId: string } | null;
  audio: { producerId: string }[];
}

interface Input {
  kind: 'audio' | 'video';
  port: number;
  payloadType: number;
  codec: string;
  clockRate: number;
  channels?: number;
  fmtp?: string;
}

async function freeEvenPort(): Promise<number> {
  for (let i = 0; i < 30; i++) {
    const s = createSocket('udp4');
    const port = await new Promise<number>((resolve) => s.bind(0, '127.0.0.1', () => resolve(s.address().port)));
    s.close();
    if (port % 2 === 0 && port < 65534) return port;
  }
  throw new Error('no free UDP port');
}

/** The SDP ffmpeg reads the composition's RTP from. */
export function compositionSdp(inputs: readonly Input[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=consultation stream', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const i of inputs) {
    lines.push(`m=${i.kind} ${i.port} RTP/AVP ${i.payloadType}`);
    lines.push(`a=rtpmap:${i.payloadType} ${i.codec}/${i.clockRate}${i.channels ? `/${i.channels}` : ''}`);
    if (i.fmtp) lines.push(`a=fmtp:${i.payloadType} ${i.fmtp}`);
    lines.push('a=recvonly');
  }
  return lines.join('\n') + '\n';
}

/**
 * ffmpeg's arguments: RTP in (from the SDP), a black picture or silence where a part is
 * missing, the audio mixed, 720p H.264 + AAC out to HLS (2 s segments), and through the
 * tee muxer to a recording file and an RTMP destination if asked.
 */
export function ffmpegArgs(options: {
  sdp: string;
  hasVideo: boolean;
  audioInputs: number;
  hlsDir: string;
  recordFile: string | null;
  rtmpUrl: string | null;
}): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-reorder_queue_size', '100'];
  const usesSdp = options.hasVideo || options.audioInputs > 0;
  if (usesSdp) args.push('-i', options.sdp);
  let next = usesSdp ? 1 : 0;
  const filters: string[] = [];
  let videoLabel: string;
  if (options.hasVideo) {
    filters.push(`[0:v]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,fps=25,format=yuv420p[v]`);
    videoLabel = '[v]';
  } else {
    args.push('-f', 'lavfi', '-i', 'color=c=0x1e293b:s=1280x720:r=25');
    videoLabel = `${next}:v`;
    next++;
  }
  let audioLabel: string;
  if (options.audioInputs > 0) {
    const streams = Array.from({ length: options.audioInputs }, (_, i) => `[0:a:${i}]`).join('');
    filters.push(options.audioInputs > 1 ? `${streams}amix=inputs=${options.audioInputs}:dropout_transition=0:normalize=0[a]` : `${streams}anull[a]`);
    audioLabel = '[a]';
  } else {
    args.push('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo');
    audioLabel = `${next}:a`;
  }
  if (filters.length > 0) args.push('-filter_complex', filters.join(';'));
  args.push('-map', videoLabel, '-map', audioLabel);
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-g',
    '50',
    '-keyint_min',
    '50',
    '-sc_threshold',
    '0',
    '-b:v',
    '1800k',
    '-maxrate',
    '2000k',
    '-bufsize',
    '2000k',
  );
  args.push('-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2');
  const playlist = path.join(options.hlsDir, 'index.m3u8');
  const hls = `[f=hls:hls_time=2:hls_list_size=8:hls_flags=delete_segments+append_list+omit_endlist+discont_start+program_date_time:hls_segment_filename=${path.join(options.hlsDir, 'seg_%05d.ts').replace(/:/g, '\\:')}]${playlist}`;
  const outputs = [hls];
  if (options.recordFile) outputs.push(`[f=matroska:onfail=ignore]${options.recordFile}`);
  if (options.rtmpUrl) outputs.push(`[f=flv:onfail=ignore]${options.rtmpUrl.replace(/[|[\]]/g, '')}`);
  args.push('-flags', '+global_header', '-f', 'tee', outputs.join('|'));
  return args;
}

/**
 * The public live stream of one consultation: the spotlighted video with the mixed audio
 * of whoever may speak, as HLS (and a recording, and an RTMP push if asked). When the
 * spotlight moves, the pipeline is rebuilt on the same playlist (a discontinuity).
 */
export class LiveStream extends EventEmitter<{ changed: [StreamView]; encoder: ['started' | 'failed'] }> {
  private ffmpeg: ChildProcess | undefined;
  private outputs: RtpOutput[] = [];
  private composition: Composition | null = null;
  private startedAt: number | null = null;
  private recordFile: string | null = null;
  private stopping = false;
  private restarts = 0;

  constructor(
    readonly consultationId: string,
    private readonly dataDir: string,
    private readonly options: { rtmpUrl: string | null; record: boolean },
    private readonly log: Logger,
  ) {
    super();
  }

  get hlsDir(): string {
    return path.join(this.dataDir, 'live', this.consultationId);
  }

  view(): StreamView {
    const live = this.startedAt !== null && !this.stopping;
    return {
      live,
      hlsUrl: live ? `/live/${this.consultationId}/index.m3u8` : null,
      watchUrl: live ? `/watch/${this.consultationId}` : null,
      startedAt: this.startedAt,
      videoOf: this.composition?.video?.participantId ?? null,
      rtmpPush: this.options.rtmpUrl !== null,
      recording: this.recordFile ? path.basename(this.recordFile) : null,
    };
  }

  /** Starts or rebuilds the pipeline for a composition (no-op if it is the same). */
  async compose(room: MediaRoom, composition: Composition, now: number): Promise<void> {
    if (this.stopping) return;
    const same = this.composition && JSON.stringify(this.composition) === JSON.stringify(composition) && this.ffmpeg !== undefined && running(this.ffmpeg);
    if (same) return;
    this.teardown();
    this.composition = composition;
    if (this.startedAt === null) {
      // A new broadcast starts on a fresh playlist: the last one ended with #EXT-X-ENDLIST.
      rmSync(this.hlsDir, { recursive: true, force: true });
      this.startedAt = now;
    }
    mkdirSync(this.hlsDir, { recursive: true });
    const inputs: Input[] = [];
    const add = async (producerId: string, kind: 'audio' | 'video') => {
      const port = await freeEvenPort();
      const output = await room.openRtpOutput(producerId, port);
      this.outputs.push(output);
      const { payloadType, name, clockRate, channels, fmtp } = output.codec;
      inputs.push({ kind, port, payloadType, codec: name, clockRate, ...(channels ? { channels } : {}), ...(fmtp ? { fmtp } : {}) });
    };
    try {
      if (composition.video) await add(composition.video.producerId, 'video');
      for (const a of composition.audio) await add(a.producerId, 'audio');
    } catch (err) {
      this.teardown();
      throw err;
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may run while the inputs are set up
    if (this.stopping) {
      // stop() ran while the inputs were being set up.
      this.teardown();
      return;
    }
    const sdp = path.join(this.hlsDir, 'input.sdp');
    writeFileSync(sdp, compositionSdp(inputs));
    if (this.options.record) {
      const dir = path.join(this.dataDir, 'recordings', this.consultationId);
      mkdirSync(dir, { recursive: true });
      this.recordFile = path.join(dir, `${new Date(now).toISOString().replace(/[:.]/g, '-')}.mkv`);
    }
    const args = ffmpegArgs({
      sdp,
      hasVideo: composition.video !== null,
      audioInputs: composition.audio.length,
      hlsDir: this.hlsDir,
      recordFile: this.recordFile,
      rtmpUrl: this.options.rtmpUrl,
    });
    const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.ffmpeg = ffmpeg;
    this.emit('encoder', 'started');
    let stderr = '';
    ffmpeg.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    ffmpeg.on('exit', (code) => {
      if (this.ffmpeg !== ffmpeg || this.stopping) return;
      this.emit('encoder', 'failed');
      this.log.warn({ consultationId: this.consultationId, code, stderr }, 'live stream encoder stopped; restarting');
      this.composition = null;
      // The caller re-composes on the next floor change; try once more now with the same inputs.
      if (this.restarts++ < 5) setTimeout(() => void this.compose(room, composition, Date.now()).catch(() => undefined), 1000).unref();
    });
    // Let ffmpeg bind its ports, then let the media flow and ask for a keyframe to start on.
    await new Promise((r) => setTimeout(r, 400));
    for (const output of this.outputs) await output.start();
    this.emit('changed', this.view());
  }

  private teardown(): void {
    for (const output of this.outputs) output.close();
    this.outputs = [];
    if (this.ffmpeg && running(this.ffmpeg)) this.ffmpeg.kill('SIGINT');
    this.ffmpeg = undefined;
  }

  async stop(): Promise<RecordingInfo[]> {
    this.stopping = true;
    const ffmpeg = this.ffmpeg;
    this.teardown();
    // ffmpeg finishes its files on SIGINT; one that does not exit in time is killed.
    if (ffmpeg && !(await exited(ffmpeg, 5000))) {
      this.log.warn({ consultationId: this.consultationId }, 'live stream encoder did not stop on SIGINT; killing it');
      ffmpeg.kill('SIGKILL');
      await exited(ffmpeg, 2000);
    }
    await fs.appendFile(path.join(this.hlsDir, 'index.m3u8'), '#EXT-X-ENDLIST\n').catch(() => undefined);
    const view = this.view();
    this.startedAt = null;
    this.composition = null;
    this.emit('changed', { ...view, live: false, hlsUrl: null, watchUrl: null });
    return listRecordings(this.dataDir, this.consultationId);
  }
}

function running(p: ChildProcess): boolean {
  return p.exitCode === null && p.signalCode === null;
}

function exited(p: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!running(p)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    p.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function listRecordings(dataDir: string, consultationId: string): Promise<RecordingInfo[]> {
  const dir = path.join(dataDir, 'recordings', consultationId);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const list: RecordingInfo[] = [];
  for (const file of names.filter((n) => n.endsWith('.mkv')).sort()) {
    const stat = await fs.stat(path.join(dir, file));
    list.push({ file, startedAt: stat.birthtimeMs || stat.mtimeMs, bytes: stat.size });
  }
  return list;
}
