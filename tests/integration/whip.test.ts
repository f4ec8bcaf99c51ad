import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestView, ProducerInfo } from '@consult/shared';
import {
  createConsultation,
  joinAs,
  nextEvent,
  ok,
  request,
  sleep,
  startServer,
  tokenFor,
  type ClientSocket,
  type CreatedConsultation,
  type Harness,
} from '../helpers/harness.js';
import { launchBrowser, personPage } from '../helpers/browser.js';
import { pushTestPattern } from '../helpers/encoder.js';
import { RtpCounter } from '../helpers/rtp.js';

// A headless Chromium is the WHIP encoder: sendonly audio and video from its fake devices, the
// offer POSTed with fetch, the answer set. Page code is passed as strings (see tests/e2e).

function nextIngest(socket: ClientSocket, match: (i: IngestView) => boolean, timeoutMs = 15_000): Promise<IngestView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('ingest.changed', on);
      reject(new Error('no matching ingest.changed'));
    }, timeoutMs);
    const on = ({ ingest }: { ingest: IngestView }) => {
      if (!match(ingest)) return;
      clearTimeout(timer);
      socket.off('ingest.changed', on);
      resolve(ingest);
    };
    socket.on('ingest.changed', on);
  });
}

interface PostResult {
  status: number;
  location: string | null;
  type: string | null;
  body: string;
}

/** The page publishes over WHIP, preferring `codec` for video as OBS does H.264. */
function publish(page: Page, url: string, key: string, codec: 'h264' | 'vp8'): Promise<PostResult> {
  return page.evaluate(`(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360, frameRate: 25 } });
    const pc = new RTCPeerConnection();
    for (const track of stream.getTracks()) {
      const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      if (track.kind !== 'video') continue;
      const all = RTCRtpSender.getCapabilities('video').codecs;
      const first = all.filter((c) => c.mimeType.toLowerCase() === 'video/${codec}' && ('${codec}' !== 'h264' || /packetization-mode=1/.test(c.sdpFmtpLine ?? '') && /profile-level-id=42e01f/.test(c.sdpFmtpLine ?? '')));
      transceiver.setCodecPreferences([...first, ...all.filter((c) => !first.includes(c))]);
    }
    await pc.setLocalDescription(await pc.createOffer());
    const response = await fetch(${JSON.stringify(url)}, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: 'Bearer ${key}' },
      body: pc.localDescription.sdp,
    });
    const body = await response.text();
    const result = { status: response.status, location: response.headers.get('location'), type: response.headers.get('content-type'), body };
    if (response.status === 201) {
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      window.__whip = { pc, stream, location: result.location };
    } else {
      pc.close();
      stream.getTracks().forEach((t) => t.stop());
    }
    return result;
  })()`) as Promise<PostResult>;
}

const connected = (page: Page) => page.waitForFunction(`window.__whip && window.__whip.pc.connectionState === 'connected'`, { timeout: 15_000 });

let h: Harness;
let c: CreatedConsultation;
let browser: Browser;
let encoder: Page;
let chair: Awaited<ReturnType<typeof joinAs>>;
let member: Awaited<ReturnType<typeof joinAs>>;
let ingest: IngestView;
let studioId: string;
const counter = new RtpCounter();

beforeAll(async () => {
  h = await startServer({ env: { INGEST_PORT_MIN: '0', INGEST_HOST: '127.0.0.1' } });
  c = await createConsultation(h.url);
  browser = await launchBrowser();
  encoder = await personPage(browser);
  // Any page of the server: the WHIP endpoint is then same-origin, and 127.0.0.1 counts as secure for getUserMedia.
  await encoder.goto(`${h.url}/health`);
  chair = await joinAs(h.url, tokenFor(c, '主持人'));
  member = await joinAs(h.url, tokenFor(c, '委员甲'));
  studioId = c.participants.find((p) => p.role === 'studio')!.id;
  ingest = (await ok(chair.socket, 'ingest.create', { studioId })).ingest;
});
afterAll(async () => {
  counter.close();
  for (const x of [chair, member]) x?.socket.disconnect();
  await browser?.close();
  await h?.close();
});

const endpoint = () => `${h.url}${ingest.whipUrl}`;
const post = (body: string, headers: Record<string, string>) => fetch(endpoint(), { method: 'POST', headers, body });

describe('WHIP ingest (RFC 9725) beside RTMP', () => {
  it('gives the moderator a WHIP URL next to the RTMP one, with the stream key as bearer token', () => {
    expect(ingest).toMatchObject({ studioId, status: 'waiting', via: null, whipUrl: `/whip/${ingest.ingestId}` });
    expect(ingest.url).toMatch(/^rtmp:\/\//);
  });

  it('refuses a wrong key (401), an unknown point (404), garbage SDP (400 saying why), another content type (415)', async () => {
    const sdpHeaders = (key: string) => ({ 'content-type': 'application/sdp', authorization: `Bearer ${key}` });
    const wrong = await post('v=0\r\n', sdpHeaders('not-the-key'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await post('v=0\r\n', { 'content-type': 'application/sdp' })).status).toBe(401);
    expect((await fetch(`${h.url}/whip/no-such-point`, { method: 'POST', headers: sdpHeaders(ingest.key), body: 'v=0\r\n' })).status).toBe(404);

    const garbage = await post('this is not an offer', sdpHeaders(ingest.key));
    expect(garbage.status).toBe(400);
    const body = (await garbage.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('VALIDATION');
    expect(body.error.message).toMatch(/invalid SDP offer: .*v=0/);
    const noMedia = await post('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n', sdpHeaders(ingest.key));
    expect(noMedia.status).toBe(400);
    expect(((await noMedia.json()) as { error: { message: string } }).error.message).toContain('no media section');
    expect((await post('', sdpHeaders(ingest.key))).status).toBe(400);

    const json = await post(JSON.stringify({ sdp: 'v=0' }), { 'content-type': 'application/json', authorization: `Bearer ${ingest.key}` });
    expect(json.status).toBe(415);
    // A browser-based encoder on another origin may publish: CORS preflight and exposed Location.
    const preflight = await fetch(endpoint(), { method: 'OPTIONS', headers: { origin: 'https://encoder.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(preflight.headers.get('access-control-expose-headers')).toMatch(/location/i);
    expect(h.app.studios.list(c.id)[0]!.status).toBe('waiting');
    expect(h.app.media.existingRoom(c.id)?.peers.get(studioId)?.producers.size ?? 0).toBe(0);
  });

  it('a Chromium encoder publishes: 201 with an ICE-lite answer, previewed by the moderator only, RTP arriving on the SFU', async () => {
    const memberSaw: ProducerInfo[] = [];
    member.socket.on('media.producerAdded', (p) => memberSaw.push(p));
    const live = nextIngest(chair.socket, (i) => i.status === 'live');
    const preview = nextEvent(chair.socket, 'media.producerAdded', 15_000);
    const result = await publish(encoder, endpoint(), ingest.key, 'h264');
    expect(result.status).toBe(201);
    expect(result.type).toMatch(/^application\/sdp/);
    expect(result.location).toMatch(new RegExp(`^/whip/${ingest.ingestId}/session/[A-Za-z0-9_-]+$`));
    expect(result.body).toMatch(/^v=0\r\n/);
    for (const line of ['a=ice-lite', 'a=setup:passive', 'a=recvonly', 'a=group:BUNDLE']) expect(result.body).toContain(line);
    expect(result.body).toMatch(/a=fingerprint:sha-256 [0-9A-F:]+/);
    expect(result.body).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    await connected(encoder);

    expect(await live).toMatchObject({ status: 'live', via: 'whip', onAir: false });
    expect(await preview).toMatchObject({ participantId: studioId });
    const room = h.app.media.existingRoom(c.id)!;
    const producers = [...room.peers.get(studioId)!.producers.values()];
    expect(producers.map((p) => (p.appData as { source: string }).source).sort()).toEqual(['ingest-audio', 'ingest-video']);
    const video = producers.find((p) => p.kind === 'video')!;
    const audio = producers.find((p) => p.kind === 'audio')!;
    let stats: { byteCount: number; packetCount: number; mimeType: string }[] = [];
    for (let i = 0; i < 40 && !((stats[0]?.byteCount ?? 0) > 20_000); i++) {
      await sleep(250);
      stats = await video.getStats();
    }
    expect(stats[0]!.mimeType).toBe('video/H264');
    expect(stats[0]!.byteCount).toBeGreaterThan(20_000);
    expect(((await audio.getStats()) as typeof stats)[0]!.byteCount).toBeGreaterThan(0);

    // Cue before air, as for RTMP: the member is told nothing and may not consume it.
    await sleep(300);
    expect(memberSaw).toEqual([]);
    expect(await request(member.socket, 'media.consume', { producerId: video.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('one publisher at a time: a second WHIP offer gets 409, an RTMP push is cut', async () => {
    const second = await personPage(browser);
    await second.goto(`${h.url}/health`);
    const result = await publish(second, endpoint(), ingest.key, 'vp8');
    expect(result.status).toBe(409);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'INVALID_STATE' } });
    await second.close();
    const rtmp = pushTestPattern(`${ingest.url}/${ingest.key}`, 5);
    expect(await rtmp.exited).not.toBe(0);
    expect(h.app.studios.list(c.id)[0]).toMatchObject({ status: 'live', via: 'whip' });
  });

  it('on air: members are told and consume it; the SFU forwards its RTP to a consumer', async () => {
    const room = h.app.media.existingRoom(c.id)!;
    const video = [...room.peers.get(studioId)!.producers.values()].find((p) => p.kind === 'video')!;
    const added = nextEvent(member.socket, 'media.producerAdded');
    await ok(chair.socket, 'ingest.setOnAir', { ingestId: ingest.ingestId, onAir: true });
    expect(await added).toMatchObject({ participantId: studioId });
    await ok(member.socket, 'media.setCapabilities', { rtpCapabilities: member.snapshot.routerRtpCapabilities });
    await ok(member.socket, 'media.createTransport', { direction: 'recv' });
    const consumer = await ok(member.socket, 'media.consume', { producerId: video.id });
    expect(consumer).toMatchObject({ participantId: studioId, kind: 'video', source: 'ingest-video' });

    // Someone receiving over plain RTP (the clerk's peer here) gets the feed's packets.
    const clerkId = c.participants.find((p) => p.role === 'clerk')!.id;
    const port = await counter.bind();
    await room.createPlainTransport(clerkId, 'recv', { ip: '127.0.0.1', port });
    room.setCapabilities(clerkId, room.rtpCapabilities);
    const plain = await room.consume(clerkId, video.id);
    await room.resumeConsumer(clerkId, plain.id);
    expect(await counter.countOver(1500)).toBeGreaterThan(20);
    room.removePeer(clerkId);
  });

  it('DELETE ends the session (the key is needed); the point waits for the next publisher', async () => {
    const location = (await encoder.evaluate('window.__whip.location')) as string;
    expect((await fetch(`${h.url}${location}`, { method: 'DELETE', headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect(
      (await fetch(`${h.url}/whip/${ingest.ingestId}/session/nosuchsession`, { method: 'DELETE', headers: { authorization: `Bearer ${ingest.key}` } })).status,
    ).toBe(404);
    const patch = await fetch(`${h.url}${location}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ingest.key}`, 'content-type': 'application/trickle-ice-sdpfrag' },
      body: 'a=end-of-candidates',
    });
    expect(patch.status).toBe(405);

    const closed = nextEvent(member.socket, 'media.producerClosed');
    const waiting = nextIngest(chair.socket, (i) => i.status === 'waiting');
    const deleted = await fetch(`${h.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${ingest.key}` } });
    expect(deleted.status).toBe(200);
    expect(await waiting).toMatchObject({ status: 'waiting', via: null, onAir: true });
    expect(await closed).toMatchObject({ participantId: studioId });
    await sleep(200);
    expect(h.app.media.existingRoom(c.id)!.peers.get(studioId)?.producers.size ?? 0).toBe(0);
    expect(h.app.media.existingRoom(c.id)!.peers.get(studioId)?.transports.size ?? 0).toBe(0);
    expect((await fetch(`${h.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${ingest.key}` } })).status).toBe(404);
    await encoder.evaluate('window.__whip.pc.close(); window.__whip.stream.getTracks().forEach((t) => t.stop()); window.__whip = undefined');
  });

  it('a publisher that vanishes is signal lost; a new one (VP8 this time) brings the feed back on air', async () => {
    const back = nextIngest(chair.socket, (i) => i.status === 'live');
    const memberSees = nextEvent(member.socket, 'media.producerAdded', 15_000);
    expect((await publish(encoder, endpoint(), ingest.key, 'vp8')).status).toBe(201);
    await connected(encoder);
    expect(await back).toMatchObject({ via: 'whip', onAir: true });
    expect(await memberSees).toMatchObject({ participantId: studioId });
    const video = [...h.app.media.existingRoom(c.id)!.peers.get(studioId)!.producers.values()].find((p) => p.kind === 'video')!;
    await sleep(1000);
    expect(((await video.getStats()) as { mimeType: string; byteCount: number }[])[0]).toMatchObject({ mimeType: 'video/VP8', byteCount: expect.any(Number) });

    // The encoder stops sending (its tracks replaced by nothing): no RTP, so the signal is lost.
    const lost = nextIngest(chair.socket, (i) => i.status === 'signal-lost', 20_000);
    await encoder.evaluate(`Promise.all(window.__whip.pc.getSenders().map((s) => s.replaceTrack(null)))`);
    expect(await lost).toMatchObject({ status: 'signal-lost', via: null });
    await encoder.evaluate('window.__whip.pc.close(); window.__whip = undefined');

    // The next publisher, then its browser closing the connection without a DELETE: lost again at once (DTLS close).
    const again = nextIngest(chair.socket, (i) => i.status === 'live');
    expect((await publish(encoder, endpoint(), ingest.key, 'vp8')).status).toBe(201);
    await connected(encoder);
    await again;
    const lostAgain = nextIngest(chair.socket, (i) => i.status === 'signal-lost', 10_000);
    await encoder.evaluate('window.__whip.pc.close()');
    expect(await lostAgain).toMatchObject({ status: 'signal-lost', onAir: true });
    expect(h.app.media.existingRoom(c.id)!.peers.get(studioId)?.producers.size ?? 0).toBe(0);
  });
});
