import type { types } from 'mediasoup';

/** The codec an output sends, as an SDP needs it. */
export interface RtpOutputCodec {
  payloadType: number;
  /** The codec name, as in `a=rtpmap` (opus, VP8, H264). */
  name: string;
  clockRate: number;
  channels?: number;
  /** The `a=fmtp` parameters, if any. */
  fmtp?: string;
}

/**
 * One producer sent as plain RTP to a local port (with RTCP on the next one), for a local
 * encoder (the public stream's ffmpeg). Created paused: `start()` lets the media flow and asks
 * for a key frame. `close()` is idempotent.
 */
export class RtpOutput {
  private closedFlag = false;

  private constructor(
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
  ) {
    consumer.on('producerclose', () => this.close());
    consumer.on('transportclose', () => this.close());
  }

  static async open(router: types.Router, producerId: string, port: number): Promise<RtpOutput> {
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: false, appData: { output: producerId } });
    try {
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
      if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: 2 });
      return new RtpOutput(transport, consumer);
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  get kind(): 'audio' | 'video' {
    return this.consumer.kind;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get codec(): RtpOutputCodec {
    const codec = this.consumer.rtpParameters.codecs[0]!;
    const fmtp = Object.entries((codec.parameters ?? {}) as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    return {
      payloadType: codec.payloadType,
      name: codec.mimeType.split('/')[1]!,
      clockRate: codec.clockRate,
      ...(codec.channels ? { channels: codec.channels } : {}),
      ...(fmtp ? { fmtp } : {}),
    };
  }

  /** Lets the media flow; a video asks for a key frame to start on. */
  async start(): Promise<void> {
    if (this.closedFlag) return;
    await this.consumer.resume().catch(() => undefined);
    if (this.consumer.kind === 'video') await this.consumer.requestKeyFrame().catch(() => undefined);
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.transport.close();
  }
}
