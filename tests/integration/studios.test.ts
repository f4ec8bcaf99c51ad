import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestView, ProducerInfo, ServerToClientEvents } from '@consult/shared';
import {
  ADMIN_TOKEN,
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
import { pushTestPattern } from '../helpers/encoder.js';

/** The next `event` whose payload matches. */
function nextMatching<E extends 'media.producerAdded' | 'media.producerClosed' | 'media.producerUpdated' | 'media.consumerClosed'>(
  socket: ClientSocket,
  event: E,
  match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean,
  timeoutMs = 15_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const on = (p: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(p)) return;
      clearTimeout(timer);
      (socket.off as (e: string, l: unknown) => void)(event, on);
      resolve(p);
    };
    const timer = setTimeout(() => {
      (socket.off as (e: string, l: unknown) => void)(event, on);
      reject(new Error(`no matching ${event}`));
    }, timeoutMs);
    (socket.on as (e: string, l: unknown) => void)(event, on);
  });
}

/** Opus RTP parameters a browser would send for its microphone. */
const opus = (ssrc: number) => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: 'venue-pc', reducedSize: true },
});

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

describe('studio ingest over RTMP, cue before air, the public stream', () => {
  let h: Harness;
  let c: CreatedConsultation;
  beforeAll(async () => {
    h = await startServer({ env: { INGEST_PORT_MIN: '0', INGEST_HOST: '127.0.0.1' } });
    c = await createConsultation(h.url);
  });
  afterAll(async () => h.close());

  it('refuses a wrong key; previews a feed to the moderator only; puts it on air; recovers from a dropped encoder', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const member = await joinAs(h.url, tokenFor(c, '委员甲'));
    const studioId = c.participants.find((p) => p.role === 'studio')!.id;
    expect(await request(member.socket, 'ingest.create', { studioId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(chair.socket, 'ingest.create', { studioId: member.snapshot.self.id })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const { ingest } = await ok(chair.socket, 'ingest.create', { studioId });
    expect(ingest).toMatchObject({ studioId, status: 'waiting', onAir: false });
    expect(ingest.url).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);

    // A wrong stream key: the connection is cut before any media, nothing is produced.
    const wrong = pushTestPattern(`${ingest.url}/not-the-key`, 5);
    expect(await wrong.exited).not.toBe(0);
    expect(h.app.studios.list(c.id)[0]!.status).toBe('waiting');
    expect(h.app.media.existingRoom(c.id)!.peers.get(studioId)?.producers.size ?? 0).toBe(0);

    // The right key: a preview for the moderator only.
    const memberSaw: ProducerInfo[] = [];
    member.socket.on('media.producerAdded', (p) => memberSaw.push(p));
    const live = nextIngest(chair.socket, (i) => i.status === 'live');
    const chairSaw = nextEvent(chair.socket, 'media.producerAdded', 15_000);
    const encoder = pushTestPattern(`${ingest.url}/${ingest.key}`, 60);
    expect(await live).toMatchObject({ status: 'live', onAir: false });
    const preview = await chairSaw;
    expect(preview).toMatchObject({ participantId: studioId });
    expect(['ingest-video', 'ingest-audio']).toContain(preview.source);
    const room = h.app.media.existingRoom(c.id)!;
    const feed = [...room.peers.get(studioId)!.producers.values()].find((p) => (p.appData as { source: string }).source === 'ingest-video')!;
    let stats: { packetCount: number; mimeType: string }[] = [];
    for (let i = 0; i < 40 && (stats[0]?.packetCount ?? 0) <= 20; i++) {
      await sleep(250);
      stats = await feed.getStats();
    }
    expect(stats[0]!.mimeType).toBe('video/H264');
    expect(stats[0]!.packetCount).toBeGreaterThan(20);
    expect(memberSaw).toEqual([]);
    expect(await request(member.socket, 'media.consume', { producerId: feed.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(member.snapshot.producers.some((p) => p.participantId === studioId)).toBe(false);

    // On air: everyone is told; off air again: withdrawn.
    const onAir = nextEvent(member.socket, 'media.producerAdded');
    await ok(chair.socket, 'ingest.setOnAir', { ingestId: ingest.ingestId, onAir: true });
    expect(await onAir).toMatchObject({ participantId: studioId });
    const late = await joinAs(h.url, tokenFor(c, '委员乙'));
    expect(
      late.snapshot.producers
        .filter((p) => p.participantId === studioId)
        .map((p) => p.source)
        .sort(),
    ).toEqual(['ingest-audio', 'ingest-video']);

    // The public stream follows the spotlight: the studio takes the floor.
    await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: studioId });
    // The title is public only while the stream is live.
    expect((await fetch(`${h.url}/live/${c.id}/info`)).status).toBe(404);
    const started = await ok(chair.socket, 'stream.start', { record: true });
    const info = await fetch(`${h.url}/live/${c.id}/info`);
    expect(info.status).toBe(200);
    expect(await info.json()).toEqual({ title: '测试协商会', live: true });
    expect((await fetch(`${h.url}/live/no-such-consultation/info`)).status).toBe(404);
    expect(started.stream).toMatchObject({ live: true, hlsUrl: `/live/${c.id}/index.m3u8` });
    const playlistFile = path.join(h.config.dataDir, 'live', c.id, 'index.m3u8');
    const t0 = Date.now();
    while (Date.now() - t0 < 15_000 && !(existsSync(playlistFile) && readFileSync(playlistFile, 'utf8').includes('.ts'))) await sleep(250);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const playlist = await (await fetch(`${h.url}/live/${c.id}/index.m3u8`)).text();
    const segment = playlist.split('\n').find((l) => l.endsWith('.ts'))!;
    const segmentPath = path.join(h.config.dataDir, 'live', c.id, segment);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-count_frames', '-of', 'json', segmentPath]).toString()) as {
      streams: { codec_type: string; codec_name: string; nb_read_frames?: string; width?: number }[];
    };
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(video).toMatchObject({ codec_name: 'h264', width: 1280 });
    expect(Number(video.nb_read_frames)).toBeGreaterThan(10);
    expect(probe.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
    const stopped = await ok(chair.socket, 'stream.stop', {});
    expect(stopped.stream.live).toBe(false);
    expect((await fetch(`${h.url}/live/${c.id}/info`)).status).toBe(404);
    expect(stopped.recordings.length).toBeGreaterThan(0);
    const listed = (await (await fetch(`${h.url}/api/consultations/${c.id}/recordings`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
      recordings: { bytes: number }[];
    };
    expect(listed.recordings[0]!.bytes).toBeGreaterThan(1000);

    // The encoder drops: signal lost; it comes back by itself when the encoder returns.
    const lost = nextIngest(chair.socket, (i) => i.status === 'signal-lost');
    encoder.process.kill('SIGKILL');
    expect((await lost).status).toBe('signal-lost');
    const back = nextIngest(chair.socket, (i) => i.status === 'live');
    const again = pushTestPattern(`${ingest.url}/${ingest.key}`, 20);
    expect((await back).onAir).toBe(true);
    again.process.kill('SIGKILL');
    for (const x of [chair, member, late]) x.socket.disconnect();
  });

  it('a feed that starts before anyone has joined is still held to the floor', async () => {
    // After a restart an ingest point's encoder may reconnect before any participant: the room is
    // then created by the ingest, and its audio must be off air until the studio gets the floor.
    const quiet = await createConsultation(h.url);
    const studioId = quiet.participants.find((p) => p.role === 'studio')!.id;
    const room = await h.app.media.room(quiet.id);
    const transport = await room.createPlainTransport(studioId, 'send');
    const audio = await room.produce(studioId, { transportId: transport.id, kind: 'audio', source: 'ingest-audio', rtpParameters: opus(4242), paused: false });
    expect(audio.paused).toBe(true);
    const chair = await joinAs(h.url, tokenFor(quiet, '主持人'));
    await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: studioId });
    for (let i = 0; i < 40 && audio.paused; i++) await sleep(50);
    expect(audio.paused).toBe(false);
    chair.socket.disconnect();
  });

  it('a studio’s browser leaving closes its own transports, never those of its feed, even one still being set up', async () => {
    const venue = await createConsultation(h.url);
    const chair = await joinAs(h.url, tokenFor(venue, '主持人'));
    const studio = await joinAs(h.url, tokenFor(venue, '工作室'));
    const studioId = studio.snapshot.self.id;
    await ok(chair.socket, 'ingest.create', { studioId });
    const browserSend = await ok(studio.socket, 'media.createTransport', { direction: 'send' });
    const room = h.app.media.existingRoom(venue.id)!;
    // The feed's transport (as an ingest point makes it) is still being created when the browser leaves.
    const feedTransport = room.createPlainTransport(studioId, 'send');
    await ok(studio.socket, 'session.leave', {});
    const feed = await feedTransport;
    await sleep(100);
    const transports = room.peers.get(studioId)!.transports;
    expect(feed.closed).toBe(false);
    expect(transports.has(feed.id)).toBe(true);
    expect(transports.has(browserSend.id)).toBe(false);
    // A browser transport asked for just before leaving: it must not stay open for nobody
    // (refused if the leave came first, closed by the leave if it came after).
    const again = await joinAs(h.url, tokenFor(venue, '工作室'));
    const asked = request(again.socket, 'media.createTransport', { direction: 'recv' });
    const left = ok(again.socket, 'session.leave', {});
    const [answer] = await Promise.all([asked, left]);
    if (!answer.ok) expect(answer.error.code).toBe('INVALID_STATE');
    await sleep(100);
    expect([...transports.values()].map((t) => (t.appData as { owner: string }).owner)).toEqual(['feed']);
    again.socket.disconnect();
    // Without an ingest point a leaving participant's whole media peer goes.
    const member = await joinAs(h.url, tokenFor(venue, '委员甲'));
    const memberId = member.snapshot.self.id;
    await ok(member.socket, 'media.createTransport', { direction: 'recv' });
    await ok(member.socket, 'session.leave', {});
    expect(room.peers.has(memberId)).toBe(false);
    chair.socket.disconnect();
    member.socket.disconnect();
    studio.socket.disconnect();
  });

  it('gives the moderator a sites overview with attendance, quorum and the studio’s attendee list', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const studio = await joinAs(h.url, tokenFor(c, '工作室'));
    const seen = nextEvent(chair.socket, 'studio.attendees');
    await ok(studio.socket, 'studio.setAttendees', { names: ['居民代表 王某', ' 社区书记 李某 ', ''] });
    expect(await seen).toEqual({ participantId: studio.snapshot.self.id, names: ['居民代表 王某', '社区书记 李某'] });
    expect(await request(chair.socket, 'studio.setAttendees', { names: [] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const overview = await ok(chair.socket, 'sites.overview', {});
    const lake = overview.sites.find((s) => s.siteId === 'lake')!;
    expect(lake.participants.find((p) => p.role === 'studio')).toMatchObject({ status: 'online', attendees: ['居民代表 王某', '社区书记 李某'] });
    expect(lake.participants.find((p) => p.name === '委员乙')).toMatchObject({ status: expect.stringMatching(/absent|online|reconnecting/) });
    expect(overview.quorum).toMatchObject({ membersInvited: 2, required: 2 });
    expect(await request(studio.socket, 'sites.overview', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    chair.socket.disconnect();
    studio.socket.disconnect();
  });
  it('a venue is heard once: while its feed is on air, the studio’s browser microphone goes to nobody else, and still follows the floor', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const member = await joinAs(h.url, tokenFor(c, '委员甲'));
    const studio = await joinAs(h.url, tokenFor(c, '工作室'));
    const studioId = studio.snapshot.self.id;
    const speech = chair.snapshot.floor.speech;
    if (speech) await ok(chair.socket, 'floor.end', { speechId: speech.id });
    const ingest = h.app.studios.list(c.id)[0]!;
    expect(ingest.onAir).toBe(true);
    const room = h.app.media.existingRoom(c.id)!;

    // The venue's PC publishes its microphone; off air, everyone may receive it.
    await ok(studio.socket, 'media.setCapabilities', { rtpCapabilities: studio.snapshot.routerRtpCapabilities });
    const send = await ok(studio.socket, 'media.createTransport', { direction: 'send' });
    const micAdded = nextMatching(member.socket, 'media.producerAdded', (p) => p.participantId === studioId && p.source === 'mic');
    const { producerId: micId } = await ok(studio.socket, 'media.produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opus(4242) });
    await micAdded;
    await ok(member.socket, 'media.setCapabilities', { rtpCapabilities: member.snapshot.routerRtpCapabilities });
    await ok(member.socket, 'media.createTransport', { direction: 'recv' });
    const micConsumer = await ok(member.socket, 'media.consume', { producerId: micId });

    // The feed comes back on air with sound: the microphone is withdrawn from the member.
    const withdrawn = nextMatching(member.socket, 'media.producerClosed', (p) => p.producerId === micId);
    const consumerGone = nextMatching(member.socket, 'media.consumerClosed', (p) => p.consumerId === micConsumer.id);
    const encoder = pushTestPattern(`${ingest.url}/${ingest.key}`, 60);
    try {
      await withdrawn;
      await consumerGone;
      expect(h.app.studios.list(c.id)[0]).toMatchObject({ status: 'live', onAir: true, via: 'rtmp' });
      expect(await request(member.socket, 'media.consume', { producerId: micId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const late = await joinAs(h.url, tokenFor(c, '委员乙'));
      expect(
        late.snapshot.producers
          .filter((p) => p.participantId === studioId)
          .map((p) => p.source)
          .sort(),
      ).toEqual(['ingest-audio', 'ingest-video']);
      late.socket.disconnect();

      // The floor still decides: the studio gets it, its microphone opens on the SFU (the studio's page is told), nobody else hears of it.
      const micUpdatesToMember: ProducerInfo[] = [];
      member.socket.on('media.producerUpdated', (p) => p.producerId === micId && micUpdatesToMember.push(p));
      const studioTold = nextMatching(studio.socket, 'media.producerUpdated', (p) => p.producerId === micId && !p.paused);
      const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: studioId });
      await studioTold;
      const micProducer = room.peers.get(studioId)!.producers.get(micId)!;
      const feedAudio = [...room.peers.get(studioId)!.producers.values()].find((p) => (p.appData as { source: string }).source === 'ingest-audio')!;
      expect(micProducer.paused).toBe(false);
      expect(feedAudio.paused).toBe(false);
      // The public stream mixes the feed's sound, not the PC's microphone.
      const mixed = h.app.studios.composition(c.id).audio.map((a) => a.producerId);
      expect(mixed).toContain(feedAudio.id);
      expect(mixed).not.toContain(micId);
      // The venue mutes its PC microphone: the overview says the venue is heard (its feed carries the sound), not "off".
      await ok(studio.socket, 'media.pauseProducer', { producerId: micId });
      let studioMic = 'none';
      for (let i = 0; i < 40 && studioMic !== 'on'; i++) {
        await sleep(250);
        const overview = await ok(chair.socket, 'sites.overview', {});
        studioMic = overview.sites.flatMap((site) => site.participants).find((p) => p.participantId === studioId)!.mic;
      }
      expect(studioMic).toBe('on');
      await ok(studio.socket, 'media.resumeProducer', { producerId: micId });
      await ok(chair.socket, 'floor.end', { speechId });
      await sleep(300);
      expect(micProducer.paused).toBe(true);
      expect(feedAudio.paused).toBe(true);
      expect(micUpdatesToMember).toEqual([]);

      // Off air: the microphone is everyone's again.
      const back = nextMatching(member.socket, 'media.producerAdded', (p) => p.producerId === micId);
      await ok(chair.socket, 'ingest.setOnAir', { ingestId: ingest.ingestId, onAir: false });
      expect(await back).toMatchObject({ participantId: studioId, source: 'mic', paused: true });
      expect(await request(member.socket, 'media.consume', { producerId: micId })).toMatchObject({ ok: true });
      await ok(chair.socket, 'ingest.setOnAir', { ingestId: ingest.ingestId, onAir: true });
    } finally {
      encoder.process.kill('SIGKILL');
      for (const x of [chair, member, studio]) x.socket.disconnect();
    }
  });

  it('gives the encoders an address they can reach from a county: INGEST_PUBLIC_HOST, else PUBLIC_URL', async () => {
    for (const [env, host, whip] of [
      [{ INGEST_PUBLIC_HOST: 'ingest.county.example' }, 'ingest.county.example', '/whip/'],
      [{ PUBLIC_URL: 'https://consult.example.gov.cn/' }, 'consult.example.gov.cn', 'https://consult.example.gov.cn/whip/'],
    ] as const) {
      const other = await startServer({ env: { INGEST_PORT_MIN: '0', ...env } });
      try {
        const cc = await createConsultation(other.url);
        const chair = await joinAs(other.url, tokenFor(cc, '主持人'));
        const { ingest } = await ok(chair.socket, 'ingest.create', { studioId: cc.participants.find((p) => p.role === 'studio')!.id });
        expect(ingest.url).toMatch(new RegExp(`^rtmp://${host.replace(/\./g, '\\.')}:\\d+/live$`));
        expect(ingest.whipUrl.startsWith(whip)).toBe(true);
        chair.socket.disconnect();
      } finally {
        await other.close();
      }
    }
  });

  it('a studio that only sends its feed: it survives the studio page closing, and the overview says the feed is live', async () => {
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const member = await joinAs(h.url, tokenFor(c, '委员甲'));
    const studioId = c.participants.find((p) => p.role === 'studio')!.id;
    const ingest = h.app.studios.list(c.id)[0]!;
    const room = h.app.media.existingRoom(c.id)!;
    const live = nextIngest(chair.socket, (i) => i.status === 'live');
    const encoder = pushTestPattern(`${ingest.url}/${ingest.key}`, 60);
    try {
      await live;
      const feed = () =>
        [...(room.peers.get(studioId)?.producers.values() ?? [])].filter((p) => (p.appData as { source: string }).source.startsWith('ingest') && !p.closed);
      expect(feed()).toHaveLength(2);
      const ids = feed().map((p) => p.id);

      // The studio's page opens, reloads and closes: its browser media comes and goes, the feed stays.
      const memberLost: string[] = [];
      member.socket.on('media.producerClosed', (p) => memberLost.push(p.producerId));
      const page = await joinAs(h.url, tokenFor(c, '工作室'));
      const reload = await joinAs(h.url, tokenFor(c, '工作室'));
      expect(feed().map((p) => p.id)).toEqual(ids);
      reload.socket.disconnect();
      page.socket.disconnect();
      await sleep(2200); // past the reconnect grace: the studio has left
      expect(feed().map((p) => p.id)).toEqual(ids);
      expect(memberLost.filter((id) => ids.includes(id))).toEqual([]);
      expect(h.app.studios.list(c.id)[0]).toMatchObject({ status: 'live' });

      // The moderator's overview: not at the page, but the feed is live and on air, measured by the SFU.
      await sleep(1000);
      const overview = await ok(chair.socket, 'sites.overview', {});
      const row = overview.sites.find((s) => s.siteId === 'lake')!.participants.find((p) => p.participantId === studioId)!;
      expect(row).toMatchObject({ status: 'absent', feed: { status: 'live', onAir: true, via: 'rtmp' } });
      expect(row.quality).not.toBeNull();
      expect(row.camera).toMatch(/on|frozen/);
      const memberRow = overview.sites.find((s) => s.siteId === 'city')!.participants.find((p) => p.name === '委员甲')!;
      expect(memberRow.feed).toBeNull();
    } finally {
      encoder.process.kill('SIGKILL');
      chair.socket.disconnect();
      member.socket.disconnect();
    }
  });
});
