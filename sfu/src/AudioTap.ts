import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';

export interface AudioTapEvents {
  /** 16 kHz mono signed 16-bit PCM, as ffmpeg decodes it. */
  pcm: [Int16Array];
  /** The tap ended (closed, its producer closed, or ffmpeg exited). */
  closed: [reason: string];
}

/** A free even UDP port whose odd neighbour (RTCP) is free too. */
async function freeRtpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const rtp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      rtp.once('error', reject);
      rtp.bind(0, '127.0.0.1', () => resolve(rtp.address().port));
    });
    rtp.close();
    if (port % 2 !== 0) continue;
    const rtcp = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      rtcp.once('error', () => resolve(false));
      rtcp.bind(port + 1, '127.0.0.1', () => resolve(true));
    });
    rtcp.close();
    if (ok) return port;
  }
  throw new Error('no free UDP port pair for an audio tap');
}

/**
 * Taps one audio producer on the SFU: a consumer on a plain RTP transport sends its Opus
 * to a local ffmpeg, which decodes it to 16 kHz mono PCM for speech recognition.
 * `close()` is idempotent and closes the transport (and so the consumer) and ffmpeg.
 */
export class AudioTap extends EventEmitter<AudioTapEvents> {
  private closedFlag = false;
  private leftover: Buffer | null = null;

  private constructor(
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
    private readonly ffmpeg: ChildProcess,
    private readonly dir: string,
  ) {
    super();
    ffmpeg.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    ffmpeg.on('exit', (code) => this.close(`ffmpeg exited (${code})`));
    ffmpeg.stderr!.resume();
    consumer.on('producerclose', () => this.close('producer closed'));
    consumer.on('transportclose', () => this.close('transport closed'));
  }

  static async open(router: types.Router, producerId: string, options: { listenIp?: string; ffmpeg?: string } = {}): Promise<AudioTap> {
    const ip = options.listenIp ?? '127.0.0.1';
    const port = await freeRtpPort();
    const transport = await router.createPlainTransport({ listenIp: { ip }, rtcpMux: false, comedia: false, appData: { tap: producerId } });
    try {
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
      const codec = consumer.rtpParameters.codecs[0]!;
      const dir = mkdtempSync(path.join(tmpdir(), 'audio-tap-'));
      const sdp = path.join(dir, 'tap.sdp');
      writeFileSync(
        sdp,
        [
          'v=0',
          'o=- 0 0 IN IP4 127.0.0.1',
          's=audio tap',
          'c=IN IP4 127.0.0.1',
          't=0 0',
          `m=audio ${port} RTP/AVP ${codec.payloadType}`,
          `a=rtpmap:${codec.payloadType} opus/48000/2`,
          'a=recvonly',
          '',
        ].join('\n'),
      );
      const ffmpeg = spawn(
        options.ffmpeg ?? 'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-protocol_whitelist',
          'file,udp,rtp',
          '-fflags',
          'nobuffer',
          '-flags',
          'low_delay',
          '-i',
          sdp,
          '-ac',
          '1',
          '-ar',
          '16000',
          '-f',
          's16le',
          '-flush_packets',
          '1',
          'pipe:1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const tap = new AudioTap(transport, consumer, ffmpeg, dir);
      // Give ffmpeg a moment to bind its port before the first packets come.
      await new Promise((r) => setTimeout(r, 250));
      if (!tap.closedFlag) await consumer.resume();
      return tap;
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get producerId(): string {
    return this.consumer.producerId;
  }

  private onData(chunk: Buffer): void {
    let data = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    if (data.length % 2 === 1) {
      this.leftover = data.subarray(data.length - 1);
      data = data.subarray(0, data.length - 1);
    } else {
      this.leftover = null;
    }
    if (data.length === 0) return;
    // Copy into an aligned buffer: the chunk's byte offset may be odd.
    const samples = new Int16Array(data.length / 2);
    Buffer.from(samples.buffer).set(data);
    this.emit('pcm', samples);
  }

  close(reason = 'closed'): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.transport.close();
    if (this.ffmpeg.exitCode === null) this.ffmpeg.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    this.emit('closed', reason);
  }
}
