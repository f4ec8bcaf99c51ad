import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorView } from '@consult/shared';
import {
  ADMIN_TOKEN,
  STORES,
  createConsultation,
  floorOf,
  flushRedis,
  joinAs,
  nextEvent,
  ok,
  reportOf,
  request,
  sleep,
  startServer,
  tempDir,
  tokenFor,
  type ClientSocket,
  type CreatedConsultation,
  type Harness,
} from '../helpers/harness.js';
import { RtpCounter, RtpSender } from '../helpers/rtp.js';

/** Waits for a floor view that satisfies `match`. */
function nextFloor(socket: ClientSocket, match: (floor: FloorView) => boolean, timeoutMs = 5000): Promise<FloorView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('floor.changed', onChange);
      reject(new Error(`no matching floor.changed within ${timeoutMs} ms`));
    }, timeoutMs);
    const onChange = ({ floor }: { floor: FloorView }) => {
      if (!match(floor)) return;
      clearTimeout(timer);
      socket.off('floor.changed', onChange);
      resolve(floor);
    };
    socket.on('floor.changed', onChange);
  });
}

describe('speaking queue and floor over socket.io', () => {
  let h: Harness;
  let c: CreatedConsultation;
  beforeAll(async () => {
    h = await startServer();
    c = await createConsultation(h.url);
  });
  afterAll(async () => h.close());

  it('queues a request, shows it to everyone, gives the floor and records the speech', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const a = await joinAs(h.url, tokenFor(c, '委员甲'));
    const b = await joinAs(h.url, tokenFor(c, '委员乙'));
    expect(a.snapshot.floor).toMatchObject({ queueOpen: true, queue: [], speech: null });

    const seen = nextFloor(chair.socket, (f) => f.queue.length === 1);
    const requested = await ok(a.socket, 'floor.request', { type: 'speech', note: '关于道路建设' });
    expect(requested.created).toBe(true);
    const view = await seen;
    expect(view.queue[0]).toMatchObject({ id: requested.entryId, participantId: a.snapshot.self.id, type: 'speech', note: '关于道路建设' });

    // Asking twice keeps one entry.
    const again = await ok(a.socket, 'floor.request', { type: 'order' });
    expect(again).toMatchObject({ entryId: requested.entryId, created: false });

    // A member may not give the floor; an observer may not ask for it.
    expect(await request(b.socket, 'floor.grant', { expectedSpeechId: null })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const observer = await joinAs(h.url, tokenFor(c, '观众'));
    expect(await request(observer.socket, 'floor.request', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Malformed payloads are refused with the field named.
    const bad = await request(chair.socket, 'floor.extend', { speechId: 'x', addMs: -5 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const onFloor = nextFloor(b.socket, (f) => f.speech !== null);
    const granted = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null });
    const bView = await onFloor;
    expect(bView.speech).toMatchObject({ id: granted.speechId, participantId: a.snapshot.self.id, limitMs: 180_000, type: 'speech' });
    expect(bView.queue).toEqual([]);

    // A late joiner sees the speech and its countdown.
    const studio = await joinAs(h.url, tokenFor(c, '工作室'));
    expect(studio.snapshot.floor.speech?.id).toBe(granted.speechId);

    // A second grant based on the old view is stale and changes nothing.
    expect(await request(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: b.snapshot.self.id })).toMatchObject({
      ok: false,
      error: { code: 'STALE' },
    });
    await ok(a.socket, 'floor.end', { speechId: granted.speechId });
    expect(await request(chair.socket, 'floor.end', { speechId: granted.speechId })).toMatchObject({ ok: false, error: { code: 'STALE' } });

    const report = await ok(chair.socket, 'floor.report', {});
    expect(report.speeches).toHaveLength(1);
    expect(report.speeches[0]).toMatchObject({ participantId: a.snapshot.self.id, name: '委员甲', siteId: 'city', outcome: 'done' });
    expect(await request(a.socket, 'floor.report', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const res = await fetch(`${h.url}/api/consultations/${c.id}/speeches`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { speeches: { outcome: string; durationMs: number }[]; bySite: { siteId: string; count: number }[] };
    expect(body.speeches[0]!.outcome).toBe('done');
    expect(body.speeches[0]!.durationMs).toBeGreaterThan(0);
    expect(body.bySite).toEqual(
      expect.arrayContaining([expect.objectContaining({ siteId: 'city', count: 1 }), expect.objectContaining({ siteId: 'lake', count: 0 })]),
    );
    expect((await fetch(`${h.url}/api/consultations/${c.id}/speeches`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/consultations/nope/speeches`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);

    for (const x of [chair, a, b, observer, studio]) x.socket.disconnect();
  });

  it('tells a member whose request is rejected, with the reason', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const b = await joinAs(h.url, tokenFor(c, '委员乙'));
    const { entryId } = await ok(b.socket, 'floor.request', { type: 'reply' });
    const told = nextEvent(b.socket, 'floor.rejected');
    await ok(chair.socket, 'floor.reject', { entryId, reason: '与议题无关' });
    expect(await told).toEqual({ entryId, reason: '与议题无关' });
    expect(await request(chair.socket, 'floor.reject', { entryId, reason: '' })).toMatchObject({ ok: false, error: { code: 'STALE' } });
    chair.socket.disconnect();
    b.socket.disconnect();
  });

  it('orders concurrent requests deterministically: the queue is the order of the log', async () => {
    const many = await createConsultation(h.url, {
      title: 'many',
      agenda: [{ title: 'x' }],
      sites: [{ id: 's', name: 'S' }],
      participants: [
        { name: 'chair', role: 'moderator', siteId: 's' },
        ...Array.from({ length: 12 }, (_, i) => ({ name: `m${i}`, role: 'member', siteId: 's' })),
      ],
    });
    const members = await Promise.all(Array.from({ length: 12 }, (_, i) => joinAs(h.url, tokenFor(many, `m${i}`))));
    const types = ['speech', 'reply', 'order'] as const;
    await Promise.all(members.map((m, i) => ok(m.socket, 'floor.request', { type: types[i % 3] })));
    const queue = floorOf(h.app, many.id).queue;
    const logged = (await h.app.store.read(many.id)).filter((e) => e.type === 'floor.requested').map((e) => e.data as { participantId: string; type: string });
    // Points of order, then replies, then speeches, each in the order the log recorded them.
    const expected = (['order', 'reply', 'speech'] as const).flatMap((t) => logged.filter((e) => e.type === t).map((e) => e.participantId));
    expect(queue.map((e) => e.participantId)).toEqual(expected);
    for (const m of members) m.socket.disconnect();
  });
});

describe.each(STORES)('the queue survives reconnects and restarts (%s store)', (store) => {
  it('keeps the request across a reconnect and a restart; the countdown carries on from server time', async () => {
    await flushRedis();
    const dataDir = tempDir();
    // Long enough a grace that nobody's place lapses while the test looks at it.
    const env = { RECONNECT_GRACE_MS: '30000' };
    const first = await startServer({ store, dataDir, env });
    const c = await createConsultation(first.url);
    const chair = await joinAs(first.url, tokenFor(c, '主持人'));
    const a = await joinAs(first.url, tokenFor(c, '委员甲'));
    const b = await joinAs(first.url, tokenFor(c, '委员乙'));
    const { entryId } = await ok(b.socket, 'floor.request', { type: 'speech', note: '民生' });
    await ok(a.socket, 'floor.request', {});
    await ok(chair.socket, 'floor.setLimits', { speech: 120_000 });
    const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null });
    await ok(chair.socket, 'floor.pause', { speechId });
    // The member drops and comes back: the place is kept.
    a.socket.disconnect();
    const a2 = await joinAs(first.url, tokenFor(c, '委员甲'));
    expect(a2.snapshot.floor.queue.map((e) => e.participantId)).toEqual([a.snapshot.self.id]);
    for (const s of [chair.socket, a2.socket, b.socket]) s.disconnect();
    await first.close();

    const second = await startServer({ store, dataDir, env });
    try {
      const late = await joinAs(second.url, tokenFor(c, '工作室'));
      const floor = late.snapshot.floor;
      expect(floor.speech).toMatchObject({ id: speechId, participantId: b.snapshot.self.id, limitMs: 120_000, runningSince: null, note: '民生', entryId });
      expect(floor.queue.map((e) => e.participantId)).toEqual([a.snapshot.self.id]);
      expect(floor.limits.speech).toBe(120_000);
      const chair2 = await joinAs(second.url, tokenFor(c, '主持人'));
      await ok(chair2.socket, 'floor.resume', { speechId });
      await ok(chair2.socket, 'floor.end', { speechId });
      const report = reportOf(second.app, c.id);
      expect(report.speeches).toMatchObject([{ id: speechId, outcome: 'moderator' }]);
      late.socket.disconnect();
      chair2.socket.disconnect();
    } finally {
      await second.close();
    }
  });
});

describe.each(STORES)('leaving the consultation leaves the queue (%s store)', (store) => {
  it('withdraws the requests and ends the speech of someone whose grace ran out, tells the moderator, and they ask again on return', async () => {
    await flushRedis();
    // The harness's grace is 1.5 s.
    const h = await startServer({ store });
    try {
      const c = await createConsultation(h.url);
      const chair = await joinAs(h.url, tokenFor(c, '主持人'));
      const a = await joinAs(h.url, tokenFor(c, '委员甲'));
      const b = await joinAs(h.url, tokenFor(c, '委员乙'));
      const studio = await joinAs(h.url, tokenFor(c, '工作室'));
      const { entryId } = await ok(a.socket, 'floor.request', {});
      await ok(studio.socket, 'floor.request', {});
      const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: b.snapshot.self.id });

      // 委员甲 (waiting) drops: while the grace runs their place is kept; then it is withdrawn.
      const departedA = nextEvent(chair.socket, 'floor.departed', 5000);
      a.socket.disconnect();
      await sleep(300);
      expect(floorOf(h.app, c.id).queue.map((e) => e.participantId)).toContain(a.snapshot.self.id);
      expect(await departedA).toEqual({ participantId: a.snapshot.self.id, entryIds: [entryId], speechId: null });
      const view = floorOf(h.app, c.id);
      expect(view.queue.map((e) => e.participantId)).toEqual([studio.snapshot.self.id]);
      // The moderator can no longer give them the floor from the queue.
      expect(await request(chair.socket, 'floor.grant', { expectedSpeechId: speechId, entryId })).toMatchObject({ ok: false, error: { code: 'STALE' } });

      // 委员乙 holds the floor and drops: the speech ends with the outcome "left".
      const departedB = nextEvent(chair.socket, 'floor.departed', 5000);
      const floorFreed = nextFloor(chair.socket, (f) => f.speech === null, 5000);
      b.socket.disconnect();
      expect(await departedB).toEqual({ participantId: b.snapshot.self.id, entryIds: [], speechId });
      await floorFreed;
      expect(reportOf(h.app, c.id).speeches.find((s) => s.id === speechId)).toMatchObject({ outcome: 'left' });
      const log = await h.app.consultations.storeRead(c.id);
      expect(log.filter((e) => e.type === 'floor.withdrawn').map((e) => e.data)).toEqual([{ entryId, by: a.snapshot.self.id, reason: 'left' }]);

      // An explicit leave does the same at once.
      const departedStudio = nextEvent(chair.socket, 'floor.departed', 3000);
      await ok(studio.socket, 'session.leave', {});
      expect((await departedStudio).participantId).toBe(studio.snapshot.self.id);
      expect(floorOf(h.app, c.id).queue).toEqual([]);

      // Back later, 委员甲 is not in the queue and asks again.
      const a2 = await joinAs(h.url, tokenFor(c, '委员甲'));
      expect(a2.snapshot.floor.queue).toEqual([]);
      expect(await ok(a2.socket, 'floor.request', {})).toMatchObject({ created: true });
      for (const x of [chair, a2, studio]) x.socket.disconnect();
    } finally {
      await h.close();
    }
  });

  it('after a restart, keeps the places of those who were in the room for the grace, then withdraws them', async () => {
    await flushRedis();
    const dataDir = tempDir();
    const first = await startServer({ store, dataDir });
    const c = await createConsultation(first.url);
    const chair = await joinAs(first.url, tokenFor(c, '主持人'));
    const a = await joinAs(first.url, tokenFor(c, '委员甲'));
    const b = await joinAs(first.url, tokenFor(c, '委员乙'));
    await ok(a.socket, 'floor.request', {});
    await ok(b.socket, 'floor.request', {});
    for (const x of [chair, a, b]) x.socket.disconnect();
    await first.close();

    const second = await startServer({ store, dataDir });
    try {
      // Right after the restart both are shown as reconnecting and keep their places.
      const chair2 = await joinAs(second.url, tokenFor(c, '主持人'));
      expect(chair2.snapshot.participants.find((p) => p.id === a.snapshot.self.id)?.status).toBe('reconnecting');
      expect(chair2.snapshot.floor.queue).toHaveLength(2);
      // 委员乙 comes back in time; 委员甲 does not.
      const b2 = await joinAs(second.url, tokenFor(c, '委员乙'));
      expect(b2.snapshot.floor.queue.map((e) => e.participantId)).toContain(b.snapshot.self.id);
      const departed = await nextEvent(chair2.socket, 'floor.departed', 5000);
      expect(departed.participantId).toBe(a.snapshot.self.id);
      expect(floorOf(second.app, c.id).queue.map((e) => e.participantId)).toEqual([b.snapshot.self.id]);
      // Attendance: 委员乙 is in the room again (a new arrival after the restart), 委员甲 is not.
      const attendance = second.app.consultations.get(c.id)!.attendance;
      expect(attendance[b.snapshot.self.id]!.inRoom).toBe(true);
      expect(attendance[a.snapshot.self.id]!.inRoom).toBe(false);
      for (const x of [chair2, b2]) x.socket.disconnect();
    } finally {
      await second.close();
    }
  });
});

describe('a deadline that passes while the server is down', () => {
  it('ends the speech as timed out at its deadline when the server comes back', async () => {
    const dataDir = tempDir();
    const first = await startServer({ dataDir });
    const c = await createConsultation(first.url);
    const chair = await joinAs(first.url, tokenFor(c, '主持人'));
    const a = await joinAs(first.url, tokenFor(c, '委员甲'));
    await ok(a.socket, 'floor.request', {});
    const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null });
    const grantedAt = floorOf(first.app, c.id).speech!.grantedAt;
    chair.socket.disconnect();
    a.socket.disconnect();
    await first.close();
    // Ten minutes later: past 3 min + 10 s grace.
    const second = await startServer({ dataDir, clock: () => Date.now() + 600_000 });
    try {
      const deadline = Date.now() + 5000;
      while (floorOf(second.app, c.id).speech && Date.now() < deadline) await sleep(20);
      expect(floorOf(second.app, c.id).speech).toBeNull();
      const speech = reportOf(second.app, c.id).speeches[0]!;
      expect(speech).toMatchObject({ id: speechId, outcome: 'timeout', endedAt: grantedAt + 190_000, durationMs: 190_000 });
    } finally {
      await second.close();
    }
  });
});

describe('the queue owns the microphone (real RTP through mediasoup)', () => {
  let h: Harness;
  let c: CreatedConsultation;
  beforeAll(async () => {
    h = await startServer();
    c = await createConsultation(h.url);
  });
  afterAll(async () => h.close());

  it('forwards a member only while they hold the floor; the time-out closes the microphone', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const speaker = await joinAs(h.url, tokenFor(c, '委员甲'));
    const listener = await joinAs(h.url, tokenFor(c, '委员乙'));
    const room = h.app.media.existingRoom(c.id)!;
    const speakerId = speaker.snapshot.self.id;
    const listenerId = listener.snapshot.self.id;

    // The member's microphone: RTP from a UDP socket into a plain transport on their peer.
    const sendTransport = await room.createPlainTransport(speakerId, 'send');
    const ssrc = 0x1234;
    // A modified client: it produces unpaused and keeps sending whatever the floor says.
    const producer = await room.produce(speakerId, {
      transportId: sendTransport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
        encodings: [{ ssrc }],
      },
    });
    expect(producer.paused).toBe(true);
    const sender = new RtpSender(ssrc);
    sender.start(sendTransport.tuple.localIp, sendTransport.tuple.localPort);

    // The listener receives through a plain transport that forwards to a counting socket.
    const counter = new RtpCounter();
    const port = await counter.bind();
    await room.createPlainTransport(listenerId, 'recv', { ip: '127.0.0.1', port });
    room.setCapabilities(listenerId, room.rtpCapabilities);
    const consumer = await room.consume(listenerId, producer.id);
    await room.resumeConsumer(listenerId, consumer.id);

    try {
      expect(await counter.countOver(600)).toBe(0);
      // Unmuting by request is refused without the floor.
      expect(await request(speaker.socket, 'media.resumeProducer', { producerId: producer.id })).toMatchObject({ ok: false, error: { code: 'NO_FLOOR' } });
      expect(await counter.countOver(400)).toBe(0);
      expect(sender.sent).toBeGreaterThan(30);

      // The floor: limit 10 s, no grace. The producer opens and the listener receives.
      await ok(chair.socket, 'floor.setLimits', { speech: 10_000, grace: 0 });
      await ok(speaker.socket, 'floor.request', {});
      const updated = nextEvent(listener.socket, 'media.producerUpdated');
      const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null });
      expect(await updated).toMatchObject({ producerId: producer.id, paused: false });
      await sleep(300);
      const whileSpeaking = await counter.countOver(1000);
      expect(whileSpeaking).toBeGreaterThan(30);

      // The time runs out (10 s after the grant): the speech ends by itself and the audio stops.
      const ended = await nextFloor(listener.socket, (f) => f.speech === null, 15_000);
      expect(ended.speech).toBeNull();
      await sleep(300);
      expect(producer.paused).toBe(true);
      expect(await counter.countOver(1000)).toBe(0);
      const report = reportOf(h.app, c.id);
      const speech = report.speeches.find((s) => s.id === speechId)!;
      expect(speech.outcome).toBe('timeout');
      expect(speech.durationMs).toBe(10_000);

      // The moderator is always on air.
      const chairSend = await room.createPlainTransport(chair.snapshot.self.id, 'send');
      const chairMic = await room.produce(chair.snapshot.self.id, {
        transportId: chairSend.id,
        kind: 'audio',
        source: 'mic',
        paused: false,
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
          encodings: [{ ssrc: 0x9999 }],
        },
      });
      expect(chairMic.paused).toBe(false);
    } finally {
      sender.close();
      counter.close();
      for (const x of [chair, speaker, listener]) x.socket.disconnect();
    }
  });
  it('a microphone created while the floor moves follows where the floor ends up, not where it was', async () => {
    const own = await createConsultation(h.url);
    const member = await joinAs(h.url, tokenFor(own, '委员甲'));
    const memberId = member.snapshot.self.id;
    const room = h.app.media.existingRoom(own.id)!;
    const opus = (ssrc: number) => ({
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc }],
    });
    try {
      // On air when the creation starts, off air (the speech ended) by the time it is done.
      let asked = 0;
      room.setAudioPolicy(() => asked++ === 0);
      const transport = await room.createPlainTransport(memberId, 'send');
      const updates: boolean[] = [];
      room.on('producerUpdated', (info) => updates.push(info.paused));
      const mic = await room.produce(memberId, { transportId: transport.id, kind: 'audio', source: 'mic', paused: false, rtpParameters: opus(0x4242) });
      expect(asked).toBeGreaterThan(1);
      expect(mic.paused).toBe(true);
      // Closed for its client too: the floor coming back alone does not reopen it...
      room.setAudioPolicy(() => true);
      await room.enforceAudioPolicy();
      expect(mic.paused).toBe(true);
      // ...a grant does.
      await room.enforceAudioPolicy([memberId]);
      expect(mic.paused).toBe(false);
      expect(updates).toEqual([true, false]);
    } finally {
      member.socket.disconnect();
    }
  });
});
