/**
 * The receivers' far end in bench:fanout: a few UDP sockets in the bench process that every
 * receiver's PlainTransport (comedia off) is connected to, one socket per 50 receivers.
 * Each consumer has its own SSRC, so packets are counted per consumer and loss is read from
 * gaps in the consumer's RTP sequence numbers (mediasoup renumbers what it forwards, so every
 * packet it forwards or failed to receive leaves a number behind). RTCP (sender reports,
 * rtcp-mux) is counted apart and not answered: no receiver reports, NACK or PLI go back.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Endpoint } from './sender.js';

export interface ConsumerCounter {
  kind: 'audio' | 'video';
  received: number;
  bytes: number;
  /** Highest extended sequence number seen; -1 before the first packet. */
  highest: number;
}

export interface CounterSnapshot {
  received: number;
  highest: number;
}

const RECEIVERS_PER_SOCKET = 50;
const RECV_BUFFER = 4 * 1024 * 1024;

export class Sink {
  readonly counters = new Map<number, ConsumerCounter>();
  rtcpPackets = 0;
  unknownPackets = 0;
  private sockets: Socket[] = [];
  private endpoints: Endpoint[] = [];

  async open(receivers: number): Promise<void> {
    const count = Math.max(1, Math.ceil(receivers / RECEIVERS_PER_SOCKET));
    for (let i = 0; i < count; i++) {
      const socket = createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER });
      socket.on('message', (msg) => this.onPacket(msg));
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      this.sockets.push(socket);
      this.endpoints.push({ ip: '127.0.0.1', port: socket.address().port });
    }
  }

  /** Where receiver `index` sends. */
  endpoint(index: number): Endpoint {
    return this.endpoints[index % this.endpoints.length]!;
  }

  get socketCount(): number {
    return this.sockets.length;
  }

  register(ssrc: number, kind: 'audio' | 'video'): void {
    if (this.counters.has(ssrc)) throw new Error(`SSRC ${ssrc} is used by two consumers`);
    this.counters.set(ssrc, { kind, received: 0, bytes: 0, highest: -1 });
  }

  private onPacket(msg: Buffer): void {
    if (msg.length < 12) return;
    const b1 = msg[1]!;
    if (b1 >= 192 && b1 <= 223) {
      this.rtcpPackets++;
      return;
    }
    const counter = this.counters.get(msg.readUInt32BE(8));
    if (!counter) {
      this.unknownPackets++;
      return;
    }
    counter.received++;
    counter.bytes += msg.length;
    const seq = msg.readUInt16BE(2);
    if (counter.highest < 0) {
      counter.highest = seq;
      return;
    }
    const delta = (seq - (counter.highest & 0xffff) + 0x10000) & 0xffff;
    if (delta > 0 && delta < 0x8000) counter.highest += delta;
  }

  snapshot(): Map<number, CounterSnapshot> {
    const out = new Map<number, CounterSnapshot>();
    for (const [ssrc, c] of this.counters) out.set(ssrc, { received: c.received, highest: c.highest });
    return out;
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
    this.sockets = [];
    this.endpoints = [];
    this.counters.clear();
  }
}

export interface WindowFigures {
  received: number;
  receivedAudio: number;
  receivedVideo: number;
  expected: number;
  lost: number;
  /** Consumers that received nothing during the window. */
  silent: number;
}

/** Packets and sequence gaps per consumer between two snapshots. */
export function windowFigures(sink: Sink, before: Map<number, CounterSnapshot>, after: Map<number, CounterSnapshot>): WindowFigures {
  const out: WindowFigures = { received: 0, receivedAudio: 0, receivedVideo: 0, expected: 0, lost: 0, silent: 0 };
  for (const [ssrc, end] of after) {
    const start = before.get(ssrc) ?? { received: 0, highest: -1 };
    const got = end.received - start.received;
    const kind = sink.counters.get(ssrc)?.kind;
    out.received += got;
    if (kind === 'audio') out.receivedAudio += got;
    else out.receivedVideo += got;
    if (got === 0) out.silent++;
    // A consumer whose first packet fell inside the window is judged from that packet on.
    const expected = start.highest < 0 ? (end.highest < 0 ? 0 : got) : end.highest - start.highest;
    out.expected += expected;
    out.lost += Math.max(0, expected - got);
  }
  return out;
}
