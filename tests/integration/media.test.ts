import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientSocket } from '../helpers/harness.js';
import {
  createConsultation,
  joinAs,
  nextEvent,
  ok,
  request,
  sleep,
  startServer,
  tokenFor,
  type CreatedConsultation,
  type Harness,
} from '../helpers/harness.js';
import { RtpCounter, RtpSender } from '../helpers/rtp.js';

/** Opus RTP parameters a browser would send for its microphone. */
const opus = (ssrc: number) => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: 'test', reducedSize: true },
});
const vp8Simulcast = (base: number) => ({
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }] }],
  headerExtensions: [],
  encodings: [
    { ssrc: base, rid: undefined, scaleResolutionDownBy: 4 },
    { ssrc: base + 1, scaleResolutionDownBy: 2 },
    { ssrc: base + 2, scaleResolutionDownBy: 1 },
  ],
  rtcp: { cname: 'test', reducedSize: true },
});

let h: Harness;
let c: CreatedConsultation;
beforeAll(async () => {
  h = await startServer();
  c = await createConsultation(h.url);
});
afterAll(async () => h.close());

async function publisher(name: string) {
  const joined = await joinAs(h.url, tokenFor(c, name));
  const caps = joined.snapshot.routerRtpCapabilities;
  await ok(joined.socket, 'media.setCapabilities', { rtpCapabilities: caps });
  const send = await ok(joined.socket, 'media.createTransport', { direction: 'send' });
  const recv = await ok(joined.socket, 'media.createTransport', { direction: 'recv' });
  return { ...joined, send, recv };
}

describe('media through the SFU', () => {
  it('announces a producer, lets others consume it paused, resumes it, and cleans up on leave', async () => {
    const a = await publisher('委员甲');
    const b = await publisher('委员乙');
    expect(a.send.iceCandidates.length).toBeGreaterThan(0);
    // TCP fallback is offered alongside UDP.
    expect((a.send.iceCandidates as { protocol: string }[]).map((x) => x.protocol).sort()).toEqual(['tcp', 'udp']);

    const added = nextEvent(b.socket, 'media.producerAdded');
    const mic = await ok(a.socket, 'media.produce', { transportId: a.send.id, kind: 'audio', source: 'mic', rtpParameters: opus(1111) });
    expect(await added).toMatchObject({ producerId: mic.producerId, participantId: a.snapshot.self.id, kind: 'audio', source: 'mic' });
    const cam = await ok(a.socket, 'media.produce', { transportId: a.send.id, kind: 'video', source: 'camera', rtpParameters: vp8Simulcast(2000) });

    const consumer = await ok(b.socket, 'media.consume', { producerId: cam.producerId });
    expect(consumer).toMatchObject({ producerId: cam.producerId, participantId: a.snapshot.self.id, kind: 'video', source: 'camera' });
    const room = h.app.media.existingRoom(c.id)!;
    const sfuConsumer = room.peers.get(b.snapshot.self.id)!.consumers.get(consumer.id)!;
    expect(sfuConsumer.paused).toBe(true);
    expect(sfuConsumer.type).toBe('simulcast');
    await ok(b.socket, 'media.resumeConsumer', { consumerId: consumer.id });
    expect(sfuConsumer.paused).toBe(false);
    await ok(b.socket, 'media.setConsumerLayers', { consumerId: consumer.id, spatialLayer: 0 });
    expect(sfuConsumer.preferredLayers?.spatialLayer).toBe(0);

    // Consuming twice, or your own producer, is refused.
    expect(await request(b.socket, 'media.consume', { producerId: cam.producerId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await request(a.socket, 'media.consume', { producerId: mic.producerId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    // Nobody may pause someone else's producer.
    expect(await request(b.socket, 'media.pauseProducer', { producerId: mic.producerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // A second microphone from the same participant is refused.
    expect(await request(a.socket, 'media.produce', { transportId: a.send.id, kind: 'audio', source: 'mic', rtpParameters: opus(3333) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    // Bad RTP parameters are refused by mediasoup with MEDIA, not a crash.
    const broken = await request(a.socket, 'media.produce', {
      transportId: a.send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: { codecs: [{ mimeType: 'video/NOPE' }] },
    });
    expect(broken.ok).toBe(false);

    // A's camera paused by A: B is told (A's microphone, paused by the floor rule already, changes nothing).
    const updated = nextEvent(b.socket, 'media.producerUpdated');
    await ok(a.socket, 'media.pauseProducer', { producerId: mic.producerId });
    await ok(a.socket, 'media.pauseProducer', { producerId: cam.producerId });
    expect(await updated).toMatchObject({ producerId: cam.producerId, paused: true });

    // When A leaves, B is told its consumer and A's producers are gone, and nothing is left on the router.
    const consumerClosed = nextEvent(b.socket, 'media.consumerClosed');
    await ok(a.socket, 'session.leave', {});
    expect(await consumerClosed).toMatchObject({ consumerId: consumer.id });
    expect(room.peers.has(a.snapshot.self.id)).toBe(false);
    const dump = (await room.router.dump()) as { transportIds: string[] };
    expect(dump.transportIds).toHaveLength(2); // only B's send and recv transports remain
    b.socket.disconnect();
    await sleep(100);
    expect(((await room.router.dump()) as { transportIds: string[] }).transportIds).toHaveLength(0);
    a.socket.disconnect();
  });

  it('tells everyone to rebuild when the mediasoup worker dies, and serves them on a new worker', async () => {
    const joined = await publisher('工作室');
    const before = h.app.media.pool.pids();
    const reset = nextEvent(joined.socket, 'media.reset', 5000);
    process.kill(before[0]!, 'SIGKILL');
    expect(await reset).toMatchObject({ reason: expect.any(String) });
    for (let i = 0; i < 50 && h.app.media.pool.size < before.length; i++) await sleep(100);
    expect(h.app.media.pool.size).toBe(before.length);
    expect(h.app.media.pool.pids()).not.toContain(before[0]);
    // The client rebuilds: a new transport works on the new room.
    const transport = await ok(joined.socket, 'media.createTransport', { direction: 'recv' });
    expect(transport.id).toBeTruthy();
    const health = await fetch(`${h.url}/health`);
    expect(health.status).toBe(200);
    joined.socket.disconnect();
  });
});

export type { ClientSocket };

describe('a consultation that outgrows one worker', () => {
  let big: Harness;
  let cons: CreatedConsultation;
  beforeAll(async () => {
    // Two workers, and a router full at two consumers: the third receiver spills over.
    big = await startServer({ env: { MEDIASOUP_WORKERS: '2', MEDIA_CONSUMERS_PER_ROUTER: '2' } });
    cons = await createConsultation(big.url);
  });
  afterAll(async () => big.close());

  it('puts receivers on a router on the second worker, pipes the floor holder there, and the floor still rules the microphone', async () => {
    const chair = await joinAs(big.url, tokenFor(cons, '主持人'));
    const speaker = await joinAs(big.url, tokenFor(cons, '委员甲'));
    const listeners = await Promise.all(['委员乙', '工作室', '记录员', '观众'].map((n) => joinAs(big.url, tokenFor(cons, n))));
    const room = big.app.media.existingRoom(cons.id)!;
    const speakerId = speaker.snapshot.self.id;

    const sendTransport = await room.createPlainTransport(speakerId, 'send');
    const producer = await room.produce(speakerId, {
      transportId: sendTransport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
        encodings: [{ ssrc: 0x4321 }],
      },
    });
    const sender = new RtpSender(0x4321);
    sender.start(sendTransport.tuple.localIp, sendTransport.tuple.localPort);

    const counters: RtpCounter[] = [];
    try {
      for (const l of listeners) {
        const counter = new RtpCounter();
        counters.push(counter);
        const port = await counter.bind();
        await room.createPlainTransport(l.snapshot.self.id, 'recv', { ip: '127.0.0.1', port });
        room.setCapabilities(l.snapshot.self.id, room.rtpCapabilities);
        const consumer = await room.consume(l.snapshot.self.id, producer.id);
        await room.resumeConsumer(l.snapshot.self.id, consumer.id);
      }
      const routers = room.routers();
      expect(routers).toHaveLength(2);
      expect(routers[0]!.workerPid).not.toBe(routers[1]!.workerPid);
      expect(routers.map((r) => r.receivers)).toEqual([2, 2]);
      expect(routers[1]!.piped).toBe(1);
      expect(big.app.media.pool.size).toBe(2);

      // Without the floor nobody hears the member, on either router.
      const silent = await Promise.all(counters.map((x) => x.countOver(600)));
      expect(silent).toEqual([0, 0, 0, 0]);

      // With the floor everyone does, through the pipe too.
      await ok(speaker.socket, 'floor.request', {});
      const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null });
      await sleep(300);
      const heard = await Promise.all(counters.map((x) => x.countOver(1000)));
      for (const n of heard) expect(n).toBeGreaterThan(30);

      // The floor ends: the piped copy pauses with the original.
      await ok(chair.socket, 'floor.end', { speechId });
      await sleep(300);
      expect(await Promise.all(counters.map((x) => x.countOver(600)))).toEqual([0, 0, 0, 0]);

      // The metrics count both routers.
      const metrics = await (await fetch(`${big.url}/metrics`)).text();
      expect(metrics).toMatch(/^consultation_media_routers 2$/m);

      // The member leaves: the consumers on both routers go with the producer.
      const gone = listeners.map((l) => nextEvent(l.socket, 'media.consumerClosed'));
      room.removePeer(speakerId);
      await Promise.all(gone);
      expect(room.routers()[1]!.piped).toBe(0);
      expect(room.routers().map((r) => r.consumers)).toEqual([0, 0]);
    } finally {
      sender.close();
      for (const x of counters) x.close();
      for (const x of [chair, speaker, ...listeners]) x.socket.disconnect();
    }
  });
});
