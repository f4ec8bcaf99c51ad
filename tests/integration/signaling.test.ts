import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { PresenceChange } from '@consult/shared';
import { signJoinToken } from '../../server/src/domain/tokens.js';
import {
  createConsultation,
  joinAs,
  nextEvent,
  nextPresence,
  ok,
  openSocket,
  request,
  sleep,
  startServer,
  tokenFor,
  type CreatedConsultation,
  type Harness,
} from '../helpers/harness.js';

let h: Harness;
let c: CreatedConsultation;
beforeAll(async () => {
  h = await startServer();
  c = await createConsultation(h.url);
});
afterAll(async () => h.close());

describe('joining by token', () => {
  it('joins with a valid link and gets the room snapshot', async () => {
    const { socket, snapshot } = await joinAs(h.url, tokenFor(c, '委员甲'));
    expect(snapshot.self).toMatchObject({ name: '委员甲', role: 'member', siteId: 'city' });
    expect(snapshot.consultation).toMatchObject({ id: c.id, title: '测试协商会' });
    expect(snapshot.participants.map((p) => p.name)).toContain('委员甲');
    expect(snapshot.mayPublish).toEqual({ audio: true, video: true });
    expect((snapshot.routerRtpCapabilities as { codecs: { mimeType: string }[] }).codecs.map((x) => x.mimeType)).toContain('video/VP8');
    await ok(socket, 'session.leave', {});
    socket.disconnect();
  });

  it.each([
    ['a forged signature', (t: string) => t.slice(0, -4) + 'AAAA', 'TOKEN_INVALID'],
    ['garbage', () => 'not-a-token', 'TOKEN_INVALID'],
    [
      'a link signed with another secret',
      () => signJoinToken({ consultationId: c.id, participantId: c.participants[1]!.id, role: 'member', exp: 1 }, 'x'),
      'TOKEN_INVALID',
    ],
  ])('refuses %s with a code', async (_name, mutate, code) => {
    // Admitted on a genuine link, the connection then tries to join with a bad one.
    const socket = await openSocket(h.url, tokenFor(c, '委员乙'));
    const reply = await request(socket, 'session.join', { token: mutate(tokenFor(c, '委员甲')) });
    expect(reply).toMatchObject({ ok: false, error: { code } });
    // The connection is still usable: a valid join afterwards works.
    const fine = await request(socket, 'session.join', { token: tokenFor(c, '委员乙') });
    expect(fine.ok).toBe(true);
    socket.disconnect();
  });

  it('refuses a genuine but expired link with TOKEN_EXPIRED', async () => {
    const past = await startServer({ clock: () => Date.now() - 30 * 24 * 3600 * 1000 });
    try {
      const old = await createConsultation(past.url);
      const oldToken = tokenFor(old, '委员甲');
      await past.close();
      const again = await startServer({ dataDir: past.config.dataDir });
      try {
        const socket = await openSocket(again.url, again.app.issueToken(old.id, old.participants[0]!.id));
        expect(await request(socket, 'session.join', { token: oldToken })).toMatchObject({ ok: false, error: { code: 'TOKEN_EXPIRED' } });
        socket.disconnect();
      } finally {
        await again.close();
      }
    } finally {
      await past.close();
    }
  });

  it('refuses a link naming a consultation this server does not hold', async () => {
    const other = await startServer();
    const foreign = await createConsultation(other.url);
    await other.close();
    const socket = await openSocket(h.url, tokenFor(c, '委员甲'));
    const reply = await request(socket, 'session.join', { token: tokenFor(foreign, '委员甲') });
    expect(reply).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID' } });
    socket.disconnect();
  });
});

describe('the handshake is admitted on a genuine join link', () => {
  const attempt = (query: Record<string, string>, transports: ('websocket' | 'polling')[] = ['websocket']) =>
    new Promise<string>((resolve) => {
      const socket = connect(h.url, { transports, reconnection: false, forceNew: true, query });
      socket.once('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.once('connect_error', (err) => {
        socket.disconnect();
        resolve(`refused: ${err.message}`);
      });
    });

  it('refuses a missing or forged token before any socket exists, over WebSocket and long-polling', async () => {
    // engine.io creates a client for every handshake it lets through: none for these.
    let created = 0;
    const onConnection = () => created++;
    h.app.io.engine.on('connection', onConnection);
    expect(await attempt({})).toMatch(/^refused/);
    expect(await attempt({ token: 'v1.forged.AAAA' })).toMatch(/^refused/);
    expect(await attempt({ token: tokenFor(c, '委员甲').slice(0, -4) + 'AAAA' }, ['polling'])).toMatch(/^refused/);
    expect(created).toBe(0);
    h.app.io.engine.off('connection', onConnection);
    expect(await attempt({ token: tokenFor(c, '委员甲') })).toBe('connected');
    expect(await attempt({ token: tokenFor(c, '委员甲') }, ['polling'])).toBe('connected');
  });

  it('limits how many handshakes one address may start', async () => {
    const strict = await startServer({ env: { HANDSHAKES_PER_ADDRESS: '5' } });
    try {
      const cc = await createConsultation(strict.url);
      const results = [];
      for (let i = 0; i < 8; i++) results.push(await attemptAt(strict.url, tokenFor(cc, '委员甲')));
      expect(results.filter((r) => r === 'connected')).toHaveLength(5);
      expect(results.slice(5).every((r) => r.startsWith('refused'))).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

function attemptAt(url: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, query: { token } });
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (err) => {
      socket.disconnect();
      resolve(`refused: ${err.message}`);
    });
  });
}

describe('every request gets an answer', () => {
  it('acks a request sent with a callback but no payload, and unknown or inherited names, with a code', async () => {
    const { socket } = await joinAs(h.url, tokenFor(c, '委员甲'));
    const emitRaw = (socket.emit as unknown as (...args: unknown[]) => void).bind(socket);
    const noPayload = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) => emitRaw('floor.request', resolve));
    expect(noPayload).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    for (const name of ['floor.steal', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const reply = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) => emitRaw(name, {}, resolve));
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect((await request(socket, 'time.sync', { clientTime: 1 })).ok).toBe(true);
    socket.disconnect();
  });
});

describe('refusals keep the consultation going', () => {
  it('answers malformed payloads with VALIDATION naming the field', async () => {
    const { socket } = await joinAs(h.url, tokenFor(c, '委员甲'));
    const bad = await request(socket, 'media.createTransport', { direction: 'sideways' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!bad.ok) expect(bad.error.issues?.[0]?.path).toBe('direction');
    expect(await request(socket, 'media.connectTransport', null)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await request(socket, 'media.consume', { producerId: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await request(socket, 'media.consume', { producerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Still in service after all that.
    expect((await request(socket, 'time.sync', { clientTime: 1 })).ok).toBe(true);
    socket.disconnect();
  });

  it('answers requests before joining with INVALID_STATE, and a request with no ack or an unknown name with request.rejected', async () => {
    const socket = await openSocket(h.url, tokenFor(c, '委员甲'));
    expect(await request(socket, 'media.createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const rejected = nextEvent(socket, 'request.rejected');
    (socket.emit as (n: string, p: unknown) => void)('time.sync', { clientTime: 1 });
    expect(await rejected).toMatchObject({ event: 'time.sync', error: { code: 'VALIDATION' } });
    const unknown = nextEvent(socket, 'request.rejected');
    (socket.emit as (n: string, p: unknown) => void)('floor.steal', {});
    expect(await unknown).toMatchObject({ event: 'floor.steal', error: { code: 'NOT_FOUND' } });
    socket.disconnect();
  });

  it('refuses an observer that tries to publish, with FORBIDDEN', async () => {
    const { socket, snapshot } = await joinAs(h.url, tokenFor(c, '观众'));
    expect(snapshot.mayPublish).toEqual({ audio: false, video: false });
    expect(await request(socket, 'media.createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const recv = await ok(socket, 'media.createTransport', { direction: 'recv' });
    const produce = await request(socket, 'media.produce', {
      transportId: recv.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1 }] },
    });
    expect(produce).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const room = h.app.media.existingRoom(c.id)!;
    expect(room.peers.get(snapshot.self.id)?.producers.size ?? 0).toBe(0);
    socket.disconnect();
  });

  it('refuses a second join on the same connection', async () => {
    const { socket } = await joinAs(h.url, tokenFor(c, '委员甲'));
    expect(await request(socket, 'session.join', { token: tokenFor(c, '委员乙') })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    socket.disconnect();
  });
});

describe('presence and reconnect', () => {
  it('announces joins, keeps a dropped participant within the grace period without a duplicate, then lets them go', async () => {
    const c2 = await createConsultation(h.url);
    const chair = await joinAs(h.url, tokenFor(c2, '主持人'));
    const upsertOf = (name: string, status: string) => (c: PresenceChange) =>
      c.kind === 'upsert' && c.participant.name === name && c.participant.status === status;
    const joined = nextPresence(chair.socket, upsertOf('委员乙', 'online'));
    const member = await joinAs(h.url, tokenFor(c2, '委员乙'));
    expect(await joined).toMatchObject({ participant: { name: '委员乙', status: 'online', siteId: 'lake' } });

    const updated = nextPresence(chair.socket, upsertOf('委员乙', 'reconnecting'));
    member.socket.disconnect();
    await updated;

    // Back within the grace period: same participant, same join time, one entry.
    const back = nextPresence(chair.socket, upsertOf('委员乙', 'online'));
    const again = await joinAs(h.url, tokenFor(c2, '委员乙'));
    const resumed = await back;
    expect(resumed).toMatchObject({
      participant: { id: member.snapshot.self.id, joinedAt: member.snapshot.participants.find((p) => p.id === member.snapshot.self.id)!.joinedAt },
    });
    expect(again.snapshot.participants.filter((p) => p.id === member.snapshot.self.id)).toHaveLength(1);
    const attendanceEvents = h.app.consultations.get(c2.id)!.attendance[member.snapshot.self.id]!;
    expect(attendanceEvents.firstJoinedAt).toBe(attendanceEvents.lastJoinedAt); // no second attendance.joined

    // Gone for longer than the grace period (1.5 s in tests): they leave.
    const left = nextPresence(chair.socket, (c) => c.kind === 'left', 5000);
    again.socket.disconnect();
    expect(await left).toEqual({ kind: 'left', participantId: member.snapshot.self.id });
    await sleep(50);
    const attendance = h.app.consultations.get(c2.id)!.attendance[member.snapshot.self.id]!;
    expect(attendance.inRoom).toBe(false);
    chair.socket.disconnect();
  });

  it('hands the participant over when the same link is opened elsewhere', async () => {
    const first = await joinAs(h.url, tokenFor(c, '工作室'));
    const replaced = nextEvent(first.socket, 'session.replaced');
    const second = await joinAs(h.url, tokenFor(c, '工作室'));
    await replaced;
    expect(second.snapshot.participants.filter((p) => p.name === '工作室')).toHaveLength(1);
    second.socket.disconnect();
  });
});
