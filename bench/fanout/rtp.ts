/**
 * Just enough RTP/RTCP for bench:fanout: synthetic VP8 and Opus packets (RFC 3550, RFC 7741,
 * RFC 6464), sender reports, and reading the keyframe requests and NACKs the SFU sends back.
 * The payload bytes are filler; only the headers the SFU looks at are real.
 */

export const VP8_PT = 96;
export const OPUS_PT = 100;
/** The RTP header extension id of ssrc-audio-level in our audio producer's parameters. */
export const AUDIO_LEVEL_EXT_ID = 1;

const FILLER = Buffer.alloc(1500, 0x5a);

function rtpHeader(buf: Buffer, pt: number, marker: boolean, seq: number, ts: number, ssrc: number, extension: boolean): void {
  buf[0] = 0x80 | (extension ? 0x10 : 0);
  buf[1] = (marker ? 0x80 : 0) | pt;
  buf.writeUInt16BE(seq & 0xffff, 2);
  buf.writeUInt32BE(ts >>> 0, 4);
  buf.writeUInt32BE(ssrc >>> 0, 8);
}

export interface Vp8PacketFields {
  ssrc: number;
  seq: number;
  timestamp: number;
  marker: boolean;
  /** First packet of the frame: S bit, and the VP8 payload header follows the descriptor. */
  start: boolean;
  keyFrame: boolean;
  pictureId: number;
  tl0PicIdx: number;
  width: number;
  height: number;
  /** VP8 payload bytes in this packet (after the payload descriptor). */
  payloadBytes: number;
}

/**
 * One VP8 RTP packet. Payload descriptor (RFC 7741 §4.2): X=1, S on the first packet, PID=0;
 * I (15-bit PictureID), L (TL0PICIDX) and T (TID=0) present. On the first packet of a frame the
 * VP8 payload header follows: its P bit is 0 on keyframes (what mediasoup checks), and a keyframe
 * carries the start code 9d 01 2a and its dimensions.
 */
export function vp8Packet(f: Vp8PacketFields): Buffer {
  const descriptor = 6;
  const buf = Buffer.allocUnsafe(12 + descriptor + f.payloadBytes);
  rtpHeader(buf, VP8_PT, f.marker, f.seq, f.timestamp, f.ssrc, false);
  let o = 12;
  buf[o++] = 0x80 | (f.start ? 0x10 : 0);
  buf[o++] = 0xe0; // I, L, T
  buf[o++] = 0x80 | ((f.pictureId >> 8) & 0x7f);
  buf[o++] = f.pictureId & 0xff;
  buf[o++] = f.tl0PicIdx & 0xff;
  buf[o++] = 0x00; // TID 0, Y 0, KEYIDX 0
  FILLER.copy(buf, o, 0, f.payloadBytes);
  if (f.start && f.payloadBytes >= 10) {
    // |Size0(3)|H(1)|VER(3)|P(1)|: show_frame=1, version 0, P=0 on a keyframe.
    buf[o] = 0x10 | (f.keyFrame ? 0x00 : 0x01);
    buf[o + 1] = 0x00;
    buf[o + 2] = 0x02;
    if (f.keyFrame) {
      buf[o + 3] = 0x9d;
      buf[o + 4] = 0x01;
      buf[o + 5] = 0x2a;
      buf.writeUInt16LE(f.width & 0x3fff, o + 6);
      buf.writeUInt16LE(f.height & 0x3fff, o + 8);
    }
  }
  return buf;
}

/** One 20 ms Opus packet with an ssrc-audio-level extension (one-byte form, RFC 8285). */
export function opusPacket(ssrc: number, seq: number, timestamp: number, level: number, voice: boolean, payloadBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(12 + 8 + payloadBytes);
  rtpHeader(buf, OPUS_PT, false, seq, timestamp, ssrc, true);
  buf.writeUInt16BE(0xbede, 12);
  buf.writeUInt16BE(1, 14); // one 32-bit word of extensions
  buf[16] = (AUDIO_LEVEL_EXT_ID << 4) | 0; // length 1 byte
  buf[17] = (voice ? 0x80 : 0) | (level & 0x7f);
  buf[18] = 0;
  buf[19] = 0;
  buf[20] = 0x48; // TOC: SILK WB 20 ms, mono, one frame
  FILLER.copy(buf, 21, 0, payloadBytes - 1);
  return buf;
}

/** An RTCP sender report (no report blocks) mapping wall-clock time to the stream's RTP clock. */
export function senderReport(ssrc: number, nowMs: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const buf = Buffer.alloc(28);
  buf[0] = 0x80;
  buf[1] = 200;
  buf.writeUInt16BE(6, 2);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  const ntpSeconds = Math.floor(nowMs / 1000) + 2208988800;
  const fraction = Math.floor(((nowMs % 1000) / 1000) * 0x100000000);
  buf.writeUInt32BE(ntpSeconds >>> 0, 8);
  buf.writeUInt32BE(fraction >>> 0, 12);
  buf.writeUInt32BE(rtpTimestamp >>> 0, 16);
  buf.writeUInt32BE(packets >>> 0, 20);
  buf.writeUInt32BE(octets >>> 0, 24);
  return buf;
}

export interface RtcpFeedback {
  /** Media SSRCs a PLI or FIR asked a keyframe for. */
  keyFrameSsrcs: number[];
  /** Packets NACKed (sequence numbers asked again). */
  nackedPackets: number;
}

/** Walks a compound RTCP packet for PLI (206/1), FIR (206/4) and generic NACK (205/1). */
export function readRtcpFeedback(buf: Buffer): RtcpFeedback {
  const out: RtcpFeedback = { keyFrameSsrcs: [], nackedPackets: 0 };
  let o = 0;
  while (o + 4 <= buf.length) {
    const fmt = buf[o]! & 0x1f;
    const pt = buf[o + 1]!;
    const len = (buf.readUInt16BE(o + 2) + 1) * 4;
    if (o + len > buf.length) break;
    if (pt === 206 && fmt === 1 && len >= 12) out.keyFrameSsrcs.push(buf.readUInt32BE(o + 8));
    if (pt === 206 && fmt === 4) for (let f = o + 12; f + 8 <= o + len; f += 8) out.keyFrameSsrcs.push(buf.readUInt32BE(f));
    if (pt === 205 && fmt === 1) {
      for (let f = o + 12; f + 4 <= o + len; f += 4) {
        const blp = buf.readUInt16BE(f + 2);
        let n = 1;
        for (let b = blp; b; b >>= 1) n += b & 1;
        out.nackedPackets += n;
      }
    }
    o += len;
  }
  return out;
}

/** A random 32-bit SSRC (non-zero). */
export function randomSsrc(): number {
  return (Math.floor(Math.random() * 0xfffffffe) + 1) >>> 0;
}
