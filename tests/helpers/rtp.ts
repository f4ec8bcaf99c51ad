import { createSocket, type Socket } from 'node:dgram';

/**
 * A tiny RTP endpoint for tests: sends Opus-shaped RTP packets (20 ms apart) to a
 * mediasoup plain transport, or counts the packets mediasoup sends to it.
 */
export class RtpSender {
  private readonly socket: Socket = createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private timestamp = 0;
  sent = 0;

  constructor(
    private readonly ssrc: number,
    private readonly payloadType = 111,
  ) {}

  start(ip: string, port: number): void {
    this.timer = setInterval(() => {
      const packet = Buffer.alloc(12 + 40);
      packet[0] = 0x80; // version 2
      packet[1] = this.payloadType & 0x7f;
      packet.writeUInt16BE(this.seq++ & 0xffff, 2);
      packet.writeUInt32BE((this.timestamp += 960) >>> 0, 4);
      packet.writeUInt32BE(this.ssrc >>> 0, 8);
      packet.fill(0xab, 12); // an Opus frame's worth of bytes; the SFU does not decode
      this.socket.send(packet, port, ip);
      this.sent++;
    }, 20);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}

export class RtpCounter {
  private readonly socket: Socket = createSocket('udp4');
  /** RTP packets received (RTCP, payload types 200–204, is not counted). */
  packets = 0;

  async bind(): Promise<number> {
    this.socket.on('message', (msg) => {
      const pt = msg[1]! & 0x7f;
      const isRtcp = msg[1]! >= 192 && msg[1]! <= 223;
      if (msg.length >= 12 && !isRtcp && pt !== 0) this.packets++;
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve()));
    return this.socket.address().port;
  }

  /** Packets that arrive during the next `ms` milliseconds. */
  async countOver(ms: number): Promise<number> {
    const before = this.packets;
    await new Promise((r) => setTimeout(r, ms));
    return this.packets - before;
  }

  close(): void {
    this.socket.close();
  }
}
