import { describe, expect, it } from 'vitest';
import { parse } from 'sdp-transform';
import type { RtpCapabilities } from '@consult/sfu';
import { buildWhipAnswer, isConstrainedBaseline, parseWhipOffer } from './whipSdp.js';

/** What the consultation router offers (sfu/src/config.ts) as mediasoup 3.8.4 reports it, trimmed to what matters here. */
const ROUTER: RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 101 },
    {
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90000,
      preferredPayloadType: 103,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
    },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 4 },
    { kind: 'audio', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 5 },
    { kind: 'video', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 5 },
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 10 },
  ],
};

/** An OBS-style offer (libdatachannel): Opus and H.264 only, bundled, full candidates, no trickle. */
const OBS = [
  'v=0',
  'o=rtc 2401416213 0 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=group:LS 0 1',
  'a=msid-semantic:WMS *',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 3E:2A:7C:9F:61:0D:5B:AA:C4:11:08:E2:95:7D:33:4F:CE:88:21:90:6B:5A:17:0C:DF:43:89:2E:71:B6:50:A4',
  'm=audio 50000 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 192.168.1.20',
  'a=mid:0',
  'a=sendonly',
  'a=ssrc:2311402212 cname:obs',
  'a=ssrc:2311402212 msid:obs obs-audio',
  'a=msid:obs obs-audio',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1',
  'a=setup:actpass',
  'a=ice-ufrag:Wl8u',
  'a=ice-pwd:1nHq8Bdpeq4zQ+QYkhb1sR',
  'a=candidate:1 1 UDP 2122317823 192.168.1.20 50000 typ host',
  'a=end-of-candidates',
  'm=video 50000 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 192.168.1.20',
  'a=mid:1',
  'a=sendonly',
  'a=ssrc:2311402213 cname:obs',
  'a=ssrc:2311402213 msid:obs obs-video',
  'a=msid:obs obs-video',
  'a=rtcp-mux',
  'a=rtpmap:96 H264/90000',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtcp-fb:96 goog-remb',
  'a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
  'a=setup:actpass',
  'a=ice-ufrag:Wl8u',
  'a=ice-pwd:1nHq8Bdpeq4zQ+QYkhb1sR',
  '',
].join('\r\n');

/** A browser-style offer: video first, VP8 preferred with RTX, H.264 profiles, extensions, and a data channel. */
const BROWSER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE v a d',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS s1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:efghijklmnopqrstuvwxyzab',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99',
  'a=setup:actpass',
  'a=mid:v',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:toffset',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=sendonly',
  'a=msid:s1 v1',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 transport-cc',
  'a=rtcp-fb:96 ccm fir',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=rtpmap:45 AV1/90000',
  'a=ssrc-group:FID 1111 2222',
  'a=ssrc:1111 cname:browser',
  'a=ssrc:2222 cname:browser',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 0',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:efghijklmnopqrstuvwxyzab',
  'a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99',
  'a=setup:actpass',
  'a=mid:a',
  'a=extmap:14 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendonly',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=rtpmap:0 PCMU/8000',
  'a=ssrc:3333 cname:browser',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:d',
  'a=sctp-port:5000',
  '',
].join('\r\n');

const LOCAL = {
  iceParameters: { usernameFragment: 'msufrag', password: 'mspassword', iceLite: true },
  iceCandidates: [
    { foundation: 'udpcandidate', priority: 1076302079, ip: '127.0.0.1', protocol: 'udp' as const, port: 40012, type: 'host' as const, tcpType: undefined },
    {
      foundation: 'tcpcandidate',
      priority: 1076276479,
      ip: '127.0.0.1',
      protocol: 'tcp' as const,
      port: 40013,
      type: 'host' as const,
      tcpType: 'passive' as const,
    },
  ],
  dtlsParameters: { role: 'auto' as const, fingerprints: [{ algorithm: 'sha-256', value: '01:02:03' }] },
};

describe('WHIP offer', () => {
  it('takes an OBS offer: Opus and constrained-baseline H.264 with their SSRCs, DTLS as client', () => {
    const offer = parseWhipOffer(OBS, ROUTER);
    expect(offer.sections.map((s) => [s.kind, s.mid, s.source])).toEqual([
      ['audio', '0', 'ingest-audio'],
      ['video', '1', 'ingest-video'],
    ]);
    const [audio, video] = offer.sections;
    expect(audio!.rtpParameters.codecs[0]).toMatchObject({
      mimeType: 'audio/opus',
      payloadType: 111,
      clockRate: 48000,
      channels: 2,
      parameters: { useinbandfec: 1, stereo: 1 },
    });
    expect(audio!.rtpParameters.encodings).toEqual([{ ssrc: 2311402212 }]);
    expect(video!.rtpParameters.codecs).toHaveLength(1);
    expect(video!.rtpParameters.codecs[0]).toMatchObject({
      mimeType: 'video/H264',
      payloadType: 96,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
    });
    expect(video!.rtpParameters.codecs[0]!.rtcpFeedback).toEqual([
      { type: 'nack', parameter: '' },
      { type: 'nack', parameter: 'pli' },
    ]);
    expect(video!.rtpParameters).toMatchObject({ mid: '1', encodings: [{ ssrc: 2311402213 }], rtcp: { cname: 'obs', mux: true } });
    expect(offer.remoteDtls).toEqual({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: expect.stringMatching(/^3E:2A/) }] });
    expect(offer.setup).toBe('passive');
  });

  it('takes a browser offer in its own codec order, with RTX and the extensions the router knows; rejects the rest', () => {
    const offer = parseWhipOffer(BROWSER, ROUTER);
    const video = offer.sections.find((s) => s.kind === 'video')!;
    expect(video.rtpParameters.codecs.map((c) => [c.mimeType, c.payloadType, c.parameters])).toEqual([
      ['video/VP8', 96, {}],
      ['video/rtx', 97, { apt: 96 }],
    ]);
    expect(video.rtpParameters.encodings).toEqual([{ ssrc: 1111, rtx: { ssrc: 2222 } }]);
    // toffset and the RID extension are not taken; abs-send-time brings REMB, transport-wide-cc brings transport-cc.
    expect(video.rtpParameters.headerExtensions!.map((h) => [h.id, h.uri.split(/[:/]/).pop()])).toEqual([
      [2, 'abs-send-time'],
      [3, 'draft-holmer-rmcat-transport-wide-cc-extensions-01'],
      [4, 'mid'],
    ]);
    expect(video.rtpParameters.codecs[0]!.rtcpFeedback!.map((f) => `${f.type} ${f.parameter}`.trim())).toEqual([
      'nack',
      'nack pli',
      'ccm fir',
      'goog-remb',
      'transport-cc',
    ]);
    const audio = offer.sections.find((s) => s.kind === 'audio')!;
    expect(audio.rtpParameters.codecs.map((c) => c.mimeType)).toEqual(['audio/opus']);
    expect(offer.offered.map((m) => m.type)).toEqual(['video', 'audio', 'application']);
  });

  it('refuses what it cannot take, saying why', () => {
    expect(() => parseWhipOffer('hello', ROUTER)).toThrow(/must start with "v=0"/);
    expect(() => parseWhipOffer('v=0\r\ns=-\r\n', ROUTER)).toThrow(/no media section/);
    expect(() => parseWhipOffer(OBS.replace(/^a=fingerprint.*\r\n/m, ''), ROUTER)).toThrow(/no a=fingerprint/);
    expect(() => parseWhipOffer(OBS.replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0'), ROUTER)).toThrow(/bundled/);
    const high = OBS.replace('profile-level-id=42e01f', 'profile-level-id=640028').replace('opus/48000/2', 'G722/8000');
    expect(() => parseWhipOffer(high, ROUTER)).toThrow(/audio: Opus.*video: H\.264/);
    expect(() => parseWhipOffer(OBS.replace(/^a=ssrc:.*\r\n/gm, ''), ROUTER)).toThrow(/no a=ssrc/);
    try {
      parseWhipOffer('garbage', ROUTER);
    } catch (err) {
      expect(err).toMatchObject({ code: 'VALIDATION' });
    }
  });

  it('knows constrained baseline from the other H.264 profiles', () => {
    expect(['42e01f', '42c01f', '4d801f', undefined].map(isConstrainedBaseline)).toEqual([true, true, true, true]);
    expect(['42001f', '4d001f', '640028', 'zz'].map(isConstrainedBaseline)).toEqual([false, false, false, false]);
  });
});

describe('WHIP answer', () => {
  it('answers ICE-lite, bundled, passive, recvonly with the chosen codecs; the data channel rejected', () => {
    const offer = parseWhipOffer(BROWSER, ROUTER);
    const text = buildWhipAnswer(offer, LOCAL);
    const answer = parse(text);
    expect(answer.icelite).toBe('ice-lite');
    expect(answer.groups).toEqual([{ type: 'BUNDLE', mids: 'v a' }]);
    expect(answer.media.map((m) => [m.type, m.port, m.mid, m.direction])).toEqual([
      ['video', 40012, 'v', 'recvonly'],
      ['audio', 40012, 'a', 'recvonly'],
      ['application', 0, 'd', 'inactive'],
    ]);
    const video = answer.media[0]!;
    expect(video.payloads).toBe('96 97');
    expect(video.rtp.map((r) => r.codec)).toEqual(['VP8', 'rtx']);
    expect(video.fmtp).toEqual([{ payload: 97, config: 'apt=96' }]);
    expect(video.setup).toBe('passive');
    expect(video.fingerprint).toEqual({ type: 'sha-256', hash: '01:02:03' });
    expect(video.iceUfrag).toBe('msufrag');
    expect(video.candidates!.map((c) => [c.transport, c.port, c.tcptype])).toEqual([
      ['udp', 40012, undefined],
      ['tcp', 40013, 'passive'],
    ]);
    expect(video.ext!.map((e) => e.value)).toEqual([2, 3, 4]);
    expect(video.rtcpMux).toBe('rtcp-mux');
    expect(answer.media[1]!.rtp).toEqual([{ payload: 111, codec: 'opus', rate: 48000, encoding: 2 }]);
    expect(text).toMatch(/\r\na=ice-lite\r\n/);
  });
});
