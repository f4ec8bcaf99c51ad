/**
 * Reads the client→server half of an RTMP session, as it passes through a proxy, far
 * enough to find the `publish` command and its stream name (the stream key). It never
 * changes a byte: the proxy forwards everything to ffmpeg and only decides whether to
 * cut the connection.
 *
 * RTMP: C0 (1 byte) + C1 (1536) + C2 (1536) handshake, then chunks. A chunk is a basic
 * header (fmt 2 bits + chunk stream id), a message header of 11/7/3/0 bytes by fmt, an
 * optional extended timestamp, and up to `chunkSize` bytes of the message. Message type
 * 1 sets the chunk size; type 20 is an AMF0 command ("connect", "publish", …).
 */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;

interface ChunkStream {
  length: number;
  typeId: number;
  timestampDelta: number;
  extended: boolean;
  buffer: Buffer[];
  received: number;
}

export interface RtmpCommand {
  name: string;
  args: unknown[];
}

export class RtmpSniffer {
  private pending: Buffer = Buffer.alloc(0);
  private handshakeLeft = HANDSHAKE_BYTES;
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkStream>();
  /** Stops parsing once media starts flowing or on a protocol error (the proxy decides what to do). */
  done = false;

  constructor(private readonly onCommand: (command: RtmpCommand) => void) {}

  push(data: Buffer): void {
    if (this.done) return;
    let input = data;
    if (this.handshakeLeft > 0) {
      const skip = Math.min(this.handshakeLeft, input.length);
      this.handshakeLeft -= skip;
      input = input.subarray(skip);
      if (input.length === 0) return;
    }
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, input]) : input;
    try {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- readChunk() may finish the sniffer
      while (!this.done && this.readChunk()) {
        /* keep reading */
      }
    } catch {
      this.done = true;
    }
    // Never hold much: a client that sends megabytes without publishing is not a publisher.
    if (this.pending.length > 1 << 20) this.done = true;
  }

  /** Reads one complete chunk from `pending`; false when more bytes are needed. */
  private readChunk(): boolean {
    const buf = this.pending;
    if (buf.length < 1) return false;
    const fmt = buf[0]! >> 6;
    let csid = buf[0]! & 0x3f;
    let offset = 1;
    if (csid === 0) {
      if (buf.length < 2) return false;
      csid = buf[1]! + 64;
      offset = 2;
    } else if (csid === 1) {
      if (buf.length < 3) return false;
      csid = buf[1]! + buf[2]! * 256 + 64;
      offset = 3;
    }
    const headerSize = [11, 7, 3, 0][fmt]!;
    if (buf.length < offset + headerSize) return false;
    let stream = this.streams.get(csid);
    if (!stream) {
      if (fmt !== 0) throw new Error('chunk stream starts without a full header');
      stream = { length: 0, typeId: 0, timestampDelta: 0, extended: false, buffer: [], received: 0 };
      this.streams.set(csid, stream);
    }
    let timestampField = stream.timestampDelta;
    if (fmt <= 2) timestampField = buf.readUIntBE(offset, 3);
    if (fmt <= 1) {
      stream.length = buf.readUIntBE(offset + 3, 3);
      stream.typeId = buf[offset + 6]!;
    }
    if (fmt <= 2) {
      stream.timestampDelta = timestampField;
      stream.extended = timestampField === 0xffffff;
    }
    offset += headerSize;
    if (stream.extended) {
      if (buf.length < offset + 4) return false;
      offset += 4;
    }
    const want = Math.min(this.chunkSize, stream.length - stream.received);
    if (buf.length < offset + want) return false;
    stream.buffer.push(buf.subarray(offset, offset + want));
    stream.received += want;
    this.pending = buf.subarray(offset + want);
    if (stream.received >= stream.length) {
      const message = Buffer.concat(stream.buffer);
      stream.buffer = [];
      stream.received = 0;
      this.onMessage(stream.typeId, message);
    }
    return true;
  }

  private onMessage(typeId: number, message: Buffer): void {
    if (typeId === 1 && message.length >= 4) {
      this.chunkSize = message.readUInt32BE(0) & 0x7fffffff;
      return;
    }
    // Audio or video data: the session is publishing; nothing more to learn.
    if (typeId === 8 || typeId === 9) {
      this.done = true;
      return;
    }
    if (typeId === 20) {
      const values = decodeAmf0(message);
      if (typeof values[0] === 'string') this.onCommand({ name: values[0], args: values.slice(1) });
    }
  }
}

/** Decodes the AMF0 values of a command: numbers, booleans, strings, null/undefined, objects, ECMA arrays. */
export function decodeAmf0(buf: Buffer): unknown[] {
  const values: unknown[] = [];
  let offset = 0;
  const readString = (long: boolean) => {
    const length = long ? buf.readUInt32BE(offset) : buf.readUInt16BE(offset);
    offset += long ? 4 : 2;
    const s = buf.toString('utf8', offset, offset + length);
    offset += length;
    return s;
  };
  const readValue = (): unknown => {
    const marker = buf[offset++];
    switch (marker) {
      case 0x00: {
        const n = buf.readDoubleBE(offset);
        offset += 8;
        return n;
      }
      case 0x01:
        return buf[offset++] !== 0;
      case 0x02:
        return readString(false);
      case 0x0c:
        return readString(true);
      case 0x05:
      case 0x06:
        return null;
      case 0x08:
        offset += 4; // ECMA array count, then an object body
      // falls through
      case 0x03: {
        const object: Record<string, unknown> = {};
        for (;;) {
          const key = readString(false);
          if (buf[offset] === 0x09) {
            offset++;
            return object;
          }
          object[key] = readValue();
        }
      }
      default:
        throw new Error(`unsupported AMF0 marker ${marker}`);
    }
  };
  while (offset < buf.length) values.push(readValue());
  return values;
}
