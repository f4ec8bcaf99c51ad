import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { mkdirSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MediaRoom, RtpOutput } from '@consult/sfu';
import type { EncoderStatus, RecordingInfo, StreamView } from '@consult/shared';
import { endProcess, running } from './processes.js';
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
  const args = ['-hide_banner', '-loglevel', 'error'];
  const usesSdp = options.hasVideo || options.audioInputs > 0;
  // Input options belong to the input they come before: the RTP ones to the SDP input only (the
  // generated slate and silence inputs refuse them: "Option reorder_queue_size not found").
  if (usesSdp) args.push('-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-reorder_queue_size', '100', '-i', options.sdp);
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

/** How long a stopped encoder may take to finish its files: SIGINT, then SIGKILL. */
const STOP_GRACE_MS = 5000;
/** When the picture moves, the old encoder gets less: the new one is waiting. */
const REBUILD_GRACE_MS = 2000;
/** Retries after a failure wait 1 s, 2 s, 4 s… up to this. */
const MAX_RETRY_DELAY_MS = 30_000;
/** An encoder that ran this long before failing was stable: the backoff starts again. */
const STABLE_MS = 30_000;

/**
 * The public live stream of one consultation: the spotlighted video with the mixed audio of
 * whoever may speak, as HLS (and a recording, and an RTMP push if asked). When the spotlight
 * moves, the pipeline is rebuilt on the same playlist (a discontinuity).
 *
 * What it says is the truth: `encoder` is `running` only once segments are being written; an
 * encoder that fails is `restarting` and is retried with backoff for as long as the broadcast is
 * on (`retry`, given by the owner, rebuilds from the spotlight as it is then). Every encoder it
 * starts is ended (SIGINT, then SIGKILL), also at `stop()`.
 */
export class LiveStream extends EventEmitter<{ changed: [StreamView]; encoder: ['started' | 'failed'] }> {
  private ffmpeg: ChildProcess | undefined;
  /** Every encoder started and not yet exited (an old one may still be finishing its files). */
  private readonly encoders = new Set<ChildProcess>();
  private outputs: RtpOutput[] = [];
  private composition: Composition | null = null;
  private startedAt: number | null = null;
  private recordFile: string | null = null;
  private stopping = false;
  private encoder: EncoderStatus | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly consultationId: string,
    private readonly dataDir: string,
    private readonly options: { rtmpUrl: string | null; record: boolean; retry: () => void },
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
      encoder: live ? this.encoder : null,
      retries: live ? this.failures : 0,
      hlsUrl: live ? `/live/${this.consultationId}/index.m3u8` : null,
      watchUrl: live ? `/watch/${this.consultationId}` : null,
      startedAt: this.startedAt,
      videoOf: this.composition?.video?.participantId ?? null,
      rtmpPush: this.options.rtmpUrl !== null,
      recording: this.recordFile ? path.basename(this.recordFile) : null,
    };
  }

  private setEncoder(status: EncoderStatus): void {
    if (this.encoder === status) return;
    this.encoder = status;
    this.emit('changed', this.view());
  }

  /** Starts or rebuilds the pipeline for a composition (no-op if it is the same and running). */
  async compose(room: MediaRoom, composition: Composition, now: number): Promise<void> {
    if (this.stopping) return;
    const same = this.composition && JSON.stringify(this.composition) === JSON.stringify(composition) && this.ffmpeg !== undefined && running(this.ffmpeg);
    if (same) return;
    clearTimeout(this.retryTimer);
    await this.teardown(REBUILD_GRACE_MS);
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
      await this.teardown(REBUILD_GRACE_MS);
      throw err;
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may run while the inputs are set up
    if (this.stopping) {
      await this.teardown(REBUILD_GRACE_MS);
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
    this.encoders.add(ffmpeg);
    const spawnedAt = Date.now();
    this.emit('encoder', 'started');
    this.setEncoder('starting');
    let stderr = '';
    ffmpeg.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    ffmpeg.on('exit', (code, signal) => {
      this.encoders.delete(ffmpeg);
      if (this.ffmpeg !== ffmpeg || this.stopping) return;
      this.ffmpeg = undefined;
      this.onFailure(`exited with ${code ?? signal ?? 'nothing'}: ${stderr.trim().slice(-400)}`, Date.now() - spawnedAt);
    });
    void this.watchFirstSegment(ffmpeg, spawnedAt);
    // Let ffmpeg bind its ports, then let the media flow and ask for a keyframe to start on.
    await new Promise((r) => setTimeout(r, 400));
    for (const output of this.outputs) await output.start();
    this.emit('changed', this.view());
  }

  /**
   * The encoder counts as running once it writes a segment (until then it is `starting`: an H.264
   * feed gives the encoder nothing to start on before its next key frame).
   */
  private async watchFirstSegment(ffmpeg: ChildProcess, spawnedAt: number): Promise<void> {
    const playlist = path.join(this.hlsDir, 'index.m3u8');
    while (this.ffmpeg === ffmpeg && running(ffmpeg)) {
      const stat = await fs.stat(playlist).catch(() => undefined);
      if (stat && stat.mtimeMs >= spawnedAt) {
        this.setEncoder('running');
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The encoder failed: say so, and try again after a backoff (reset once an encoder was stable). */
  private onFailure(reason: string, ranMs: number): void {
    this.emit('encoder', 'failed');
    this.composition = null;
    void this.teardown(REBUILD_GRACE_MS);
    this.failures = ranMs >= STABLE_MS ? 1 : this.failures + 1;
    const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (this.failures - 1));
    this.log.warn({ consultationId: this.consultationId, reason, retryInMs: delay, failures: this.failures }, 'live stream encoder stopped; retrying');
    this.setEncoder('restarting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopping) this.options.retry();
    }, delay);
    this.retryTimer.unref();
  }

  /** Closes the inputs and ends the current encoder (it may finish its files within `graceMs`). */
  private async teardown(graceMs: number): Promise<void> {
    for (const output of this.outputs) output.close();
    this.outputs = [];
    const ffmpeg = this.ffmpeg;
    this.ffmpeg = undefined;
    if (ffmpeg) await endProcess(ffmpeg, 'SIGINT', graceMs);
  }

  async stop(): Promise<RecordingInfo[]> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    await this.teardown(STOP_GRACE_MS);
    // An encoder still finishing from a rebuild is ended too: nothing outlives the stream.
    await Promise.all([...this.encoders].map((child) => endProcess(child, 'SIGINT', STOP_GRACE_MS)));
    await fs.appendFile(path.join(this.hlsDir, 'index.m3u8'), '#EXT-X-ENDLIST\n').catch(() => undefined);
    const view = this.view();
    this.startedAt = null;
    this.composition = null;
    this.encoder = null;
    this.emit('changed', { ...view, live: false, encoder: null, hlsUrl: null, watchUrl: null });
    return listRecordings(this.dataDir, this.consultationId);
  }
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
