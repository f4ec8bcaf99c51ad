/* eslint-disable @typescript-eslint/no-unnecessary-type-conversion -- sdp-transform turns numeric-looking fields (a mid of "0", a single payload type) into numbers at run time, and leaves out what the offer lacks, whatever its types say. */
import { randomInt } from 'node:crypto';
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, RtpCodecParameters, RtpParameters } from '@consult/sfu';
import { AppError, ErrorCode } from '@consult/shared';

/**
 * WHIP's offer/answer (RFC 9725 over RFC 8829/8843): an encoder offers sendonly audio and
 * video sections bundled on one ICE/DTLS transport; the answer is mediasoup's side of that
 * transport (ICE-lite, its candidates, its DTLS fingerprint) with one codec per section.
 * Pure functions: the offer in, mediasoup's RTP parameters and the answer out.
 */

/** An offered media section the server takes: it becomes one producer on the studio's peer. */
export interface WhipSection {
  /** Position of the m= line in the offer (the answer keeps the order). */
  index: number;
  kind: 'audio' | 'video';
  mid: string;
  /** The producers' source, as the RTMP ingest gives them (preview, on air and the floor work the same). */
  source: 'ingest-audio' | 'ingest-video';
  rtpParameters: RtpParameters;
  /** What the answer says for the section: the chosen codec (and its RTX), feedback, extensions. */
  answer: {
    protocol: string;
    codecs: { payloadType: number; name: string; clockRate: number; channels?: number; fmtp?: string; feedback: { type: string; subtype?: string }[] }[];
    extensions: { id: number; uri: string }[];
    reducedSize: boolean;
  };
}

export interface WhipOffer {
  /** The sections taken, in offer order: at most one audio and one video. */
  sections: WhipSection[];
  /** Every offered m= line, for the answer's rejected ones (port 0). */
  offered: { index: number; type: string; protocol: string; payloads: string; mid: string | undefined }[];
  /** The encoder's DTLS side, for WebRtcTransport.connect(). */
  remoteDtls: DtlsParameters;
  /** Our DTLS role in the answer: passive (we are the DTLS server) unless the encoder insists on being it. */
  setup: 'passive' | 'active';
}

const MAX_SDP = 64 * 1024;

const invalid = (message: string) => new AppError(ErrorCode.VALIDATION, `invalid SDP offer: ${message}`);

/** Header extensions taken when the router supports them too; RID ones are left out (one encoding per section). */
const EXTENSIONS = new Set([
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'urn:3gpp:video-orientation',
  'urn:ietf:params:rtp-hdrext:toffset',
]);
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

function fmtpOf(media: MediaDescription, payloadType: number): string | undefined {
  return media.fmtp.find((f) => f.payload === payloadType)?.config;
}

function fmtpParams(config: string | undefined): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const part of (config ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (!key) continue;
    const value = rest.join('=');
    params[key] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return params;
}

/**
 * Whether an H.264 profile-level-id is Constrained Baseline, the profile the router declares
 * (42e01f): mediasoup refuses a producer of another profile. Absent means the default, 42e01f.
 */
export function isConstrainedBaseline(profileLevelId: string | number | undefined): boolean {
  if (profileLevelId === undefined) return true;
  const hex = String(profileLevelId);
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) return false;
  const idc = parseInt(hex.slice(0, 2), 16);
  const iop = parseInt(hex.slice(2, 4), 16);
  return (idc === 0x42 && (iop & 0x4f) === 0x40) || (idc === 0x4d && (iop & 0x8f) === 0x80) || (idc === 0x58 && (iop & 0xcf) === 0xc0);
}

/** The first codec of the offer's own preference order that the router forwards. */
function chooseCodec(media: MediaDescription, kind: 'audio' | 'video', router: RtpCapabilities) {
  const routerHas = (mimeType: string) => (router.codecs ?? []).some((c) => c.mimeType.toLowerCase() === mimeType);
  const order = String(media.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  for (const pt of order) {
    const rtp = media.rtp.find((r) => r.payload === pt);
    if (!rtp) continue;
    const name = rtp.codec.toLowerCase();
    const fmtp = fmtpOf(media, pt);
    const params = fmtpParams(fmtp);
    if (kind === 'audio' && name === 'opus' && rtp.rate === 48000 && routerHas('audio/opus')) {
      return { pt, mimeType: 'audio/opus', name: rtp.codec, clockRate: 48000, channels: 2, fmtp, params };
    }
    if (kind === 'video' && name === 'vp8' && rtp.rate === 90000 && routerHas('video/vp8')) {
      return { pt, mimeType: 'video/VP8', name: rtp.codec, clockRate: 90000, channels: undefined, fmtp, params };
    }
    if (
      kind === 'video' &&
      name === 'h264' &&
      rtp.rate === 90000 &&
      routerHas('video/h264') &&
      Number(params['packetization-mode']) === 1 &&
      isConstrainedBaseline(params['profile-level-id'])
    ) {
      return { pt, mimeType: 'video/H264', name: rtp.codec, clockRate: 90000, channels: undefined, fmtp, params };
    }
  }
  return undefined;
}

/** The sending SSRC of a section (not an RTX or FEC one), its RTX SSRC and CNAME. */
function ssrcsOf(media: MediaDescription): { ssrc: number; rtxSsrc: number | undefined; cname: string | undefined } | undefined {
  const ids = [...new Set((media.ssrcs ?? []).map((s) => Number(s.id)))];
  if (ids.length === 0) return undefined;
  const secondary = new Set<number>();
  const rtxOf = new Map<number, number>();
  for (const group of media.ssrcGroups ?? []) {
    const [first, ...rest] = String(group.ssrcs).split(/\s+/).map(Number);
    if (first === undefined) continue;
    for (const r of rest) secondary.add(r);
    if (group.semantics === 'FID' && rest[0] !== undefined) rtxOf.set(first, rest[0]);
  }
  const ssrc = ids.find((id) => !secondary.has(id)) ?? ids[0]!;
  const cname = (media.ssrcs ?? []).find((s) => Number(s.id) === ssrc && s.attribute === 'cname')?.value;
  return { ssrc, rtxSsrc: rtxOf.get(ssrc), cname };
}

/**
 * Reads a WHIP offer. Throws VALIDATION with what is wrong when it is not an SDP offer the
 * server can take (not SDP, no fingerprint, not bundled, no Opus/H.264/VP8, no SSRC…).
 */
export function parseWhipOffer(sdp: string, router: RtpCapabilities): WhipOffer {
  if (sdp.length > MAX_SDP) throw invalid(`larger than ${MAX_SDP} bytes`);
  if (!/^v=0\r?\n/.test(sdp)) throw invalid('it must start with "v=0" (send the SDP offer as the body, Content-Type: application/sdp)');
  let session: SessionDescription;
  try {
    session = parse(sdp);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  if (!Array.isArray(session.media) || session.media.length === 0) throw invalid('no media section (m=)');

  const bundleMids = (session.groups ?? []).find((g) => g.type === 'BUNDLE')?.mids;
  const bundle = bundleMids === undefined ? [] : String(bundleMids).split(/\s+/);
  const offered: WhipOffer['offered'] = session.media.map((m, index) => ({
    index,
    type: m.type,
    protocol: m.protocol,
    payloads: String(m.payloads ?? ''),
    mid: m.mid === undefined ? undefined : String(m.mid),
  }));

  const sections: WhipSection[] = [];
  const refusals: string[] = [];
  session.media.forEach((media, index) => {
    const kind = media.type;
    if (kind !== 'audio' && kind !== 'video') return;
    if (sections.some((s) => s.kind === kind)) return;
    const mid = media.mid === undefined ? undefined : String(media.mid);
    const direction = media.direction ?? session.direction ?? 'sendrecv';
    if (direction !== 'sendonly' && direction !== 'sendrecv') return;
    if (!/SAVPF$/.test(media.protocol)) {
      refusals.push(`${kind}: protocol ${media.protocol} is not UDP/TLS/RTP/SAVPF`);
      return;
    }
    if (mid === undefined) {
      refusals.push(`${kind}: no a=mid`);
      return;
    }
    if (!media.rtcpMux) {
      refusals.push(`${kind}: a=rtcp-mux is required`);
      return;
    }
    const codec = chooseCodec(media, kind, router);
    if (!codec) {
      refusals.push(kind === 'audio' ? 'audio: Opus/48000/2 is required' : 'video: H.264 (packetization-mode=1, constrained baseline) or VP8 is required');
      return;
    }
    const streams = ssrcsOf(media);
    if (!streams) {
      refusals.push(media.rids?.length ? `${kind}: simulcast (a=rid) is not supported; send one encoding with a=ssrc` : `${kind}: no a=ssrc line`);
      return;
    }
    const rtx = media.rtp.find((r) => r.codec.toLowerCase() === 'rtx' && Number(fmtpParams(fmtpOf(media, r.payload)).apt) === codec.pt);

    const extensions = (media.ext ?? session.ext ?? [])
      .filter((e) => EXTENSIONS.has(e.uri) && (router.headerExtensions ?? []).some((h) => h.uri === e.uri && h.kind === kind))
      .filter((e) => e.direction === undefined || e.direction === 'sendonly' || e.direction === 'sendrecv')
      .map((e) => ({ id: e.value, uri: e.uri }));
    const hasExt = (uri: string) => extensions.some((e) => e.uri === uri);
    const offeredFb = (media.rtcpFb ?? []).filter((f) => f.payload === '*' || Number(f.payload) === codec.pt);
    const wanted: { type: string; subtype?: string }[] =
      kind === 'video'
        ? [
            { type: 'nack' },
            { type: 'nack', subtype: 'pli' },
            { type: 'ccm', subtype: 'fir' },
            ...(hasExt(ABS_SEND_TIME) ? [{ type: 'goog-remb' }] : []),
            ...(hasExt(TRANSPORT_CC) ? [{ type: 'transport-cc' }] : []),
          ]
        : hasExt(TRANSPORT_CC)
          ? [{ type: 'transport-cc' }]
          : [];
    const feedback = wanted.filter((w) => offeredFb.some((f) => f.type === w.type && (f.subtype ?? undefined) === w.subtype));

    const codecs: RtpCodecParameters[] = [
      {
        mimeType: codec.mimeType,
        payloadType: codec.pt,
        clockRate: codec.clockRate,
        ...(codec.channels ? { channels: codec.channels } : {}),
        parameters: codec.params,
        rtcpFeedback: feedback.map((f) => ({ type: f.type, parameter: f.subtype ?? '' })),
      },
    ];
    if (rtx) codecs.push({ mimeType: `${kind}/rtx`, payloadType: rtx.payload, clockRate: codec.clockRate, parameters: { apt: codec.pt }, rtcpFeedback: [] });
    const rtpParameters: RtpParameters = {
      mid,
      codecs,
      headerExtensions: extensions.map((e) => ({ uri: e.uri, id: e.id, encrypt: false, parameters: {} })),
      encodings: [{ ssrc: streams.ssrc, ...(rtx && streams.rtxSsrc ? { rtx: { ssrc: streams.rtxSsrc } } : {}) }],
      rtcp: { ...(streams.cname ? { cname: streams.cname } : {}), reducedSize: Boolean(media.rtcpRsize), mux: true },
    };
    sections.push({
      index,
      kind,
      mid,
      source: kind === 'audio' ? 'ingest-audio' : 'ingest-video',
      rtpParameters,
      answer: {
        protocol: media.protocol,
        codecs: [
          {
            payloadType: codec.pt,
            name: codec.name,
            clockRate: codec.clockRate,
            ...(codec.channels ? { channels: codec.channels } : {}),
            ...(codec.fmtp ? { fmtp: codec.fmtp } : {}),
            feedback,
          },
          ...(rtx ? [{ payloadType: rtx.payload, name: rtx.codec, clockRate: codec.clockRate, fmtp: `apt=${codec.pt}`, feedback: [] }] : []),
        ],
        extensions,
        reducedSize: Boolean(media.rtcpRsize),
      },
    });
  });

  if (sections.length === 0) {
    throw invalid(refusals.length > 0 ? refusals.join('; ') : 'no sendonly audio or video section');
  }
  if (sections.length > 1 && !sections.every((s) => bundle.includes(s.mid))) {
    throw invalid('the audio and video sections must be bundled (a=group:BUNDLE with both mids)');
  }
  const first = session.media[sections[0]!.index]!;
  const fingerprint = first.fingerprint ?? session.fingerprint;
  if (!fingerprint) throw invalid('no a=fingerprint (DTLS is required)');
  const setup = first.setup ?? session.setup ?? 'actpass';
  if (!['actpass', 'active', 'passive'].includes(setup)) throw invalid(`a=setup:${setup} is not actpass, active or passive`);
  return {
    sections,
    offered,
    remoteDtls: {
      role: setup === 'passive' ? 'server' : 'client',
      fingerprints: [{ algorithm: fingerprint.type.toLowerCase(), value: fingerprint.hash }],
    },
    setup: setup === 'passive' ? 'active' : 'passive',
  };
}

/** mediasoup's side of the WebRTC transport the answer describes. */
export interface LocalTransport {
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
}

/**
 * The SDP answer: ICE-lite, mediasoup's candidates and fingerprint on every taken section
 * (bundled), recvonly with the chosen codec, its feedback and extensions; the sections not
 * taken are rejected with port 0.
 */
export function buildWhipAnswer(offer: WhipOffer, local: LocalTransport): string {
  const fingerprint = local.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? local.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new AppError(ErrorCode.MEDIA, 'the transport has no DTLS fingerprint');
  const udp = local.iceCandidates.find((c) => c.protocol === 'udp') ?? local.iceCandidates[0];
  if (!udp) throw new AppError(ErrorCode.MEDIA, 'the transport has no ICE candidate');
  const ipVer = udp.ip.includes(':') ? 6 : 4;
  const candidates = local.iceCandidates.map((c) => ({
    foundation: c.foundation,
    component: 1,
    transport: c.protocol,
    priority: c.priority,
    ip: c.ip,
    port: c.port,
    type: c.type,
    ...(c.protocol === 'tcp' ? { tcptype: c.tcpType ?? 'passive' } : {}),
  }));
  const media = offer.offered.map((m): MediaDescription => {
    const section = offer.sections.find((s) => s.index === m.index);
    if (!section) {
      return {
        type: m.type,
        port: 0,
        protocol: m.protocol,
        payloads: m.payloads.split(/\s+/)[0] ?? '0',
        ...(m.mid !== undefined ? { mid: m.mid } : {}),
        direction: 'inactive',
        rtp: [],
        fmtp: [],
      };
    }
    const { codecs, extensions, reducedSize, protocol } = section.answer;
    return {
      type: section.kind,
      port: udp.port,
      protocol,
      payloads: codecs.map((c) => c.payloadType).join(' '),
      connection: { version: ipVer, ip: udp.ip },
      mid: section.mid,
      direction: 'recvonly',
      iceUfrag: local.iceParameters.usernameFragment,
      icePwd: local.iceParameters.password,
      candidates,
      endOfCandidates: 'end-of-candidates',
      fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
      setup: offer.setup,
      rtcpMux: 'rtcp-mux',
      ...(reducedSize ? { rtcpRsize: 'rtcp-rsize' as const } : {}),
      ext: extensions.map((e) => ({ value: e.id, uri: e.uri })),
      rtp: codecs.map((c) => ({ payload: c.payloadType, codec: c.name, rate: c.clockRate, ...(c.channels ? { encoding: c.channels } : {}) })),
      fmtp: codecs.filter((c) => c.fmtp).map((c) => ({ payload: c.payloadType, config: c.fmtp! })),
      rtcpFb: codecs.flatMap((c) => c.feedback.map((f) => ({ payload: c.payloadType, type: f.type, ...(f.subtype ? { subtype: f.subtype } : {}) }))),
    };
  });
  const answer: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: String(randomInt(1, 2 ** 47)), sessionVersion: 1, netType: 'IN', ipVer, address: ipVer === 4 ? '127.0.0.1' : '::1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    groups: [{ type: 'BUNDLE', mids: offer.sections.map((s) => s.mid).join(' ') }],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media,
  };
  return write(answer);
}
