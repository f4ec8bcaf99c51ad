import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestView, ProducerInfo } from '@consult/shared';
import { ADMIN_TOKEN, createConsultation, joinAs, nextEvent, ok, request, sleep, startServer, tokenFor, type ClientSocket, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { pushTestPattern } from '../helpers/encoder.js';

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
    for (let i = 0; i < 40 && !(stats[0]?.packetCount > 20); i++) {
      await sleep(250);
      stats = (await feed.getStats()) as typeof stats;
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
    expect(late.snapshot.producers.filter((p) => p.participantId === studioId).map((p) => p.source).sort()).toEqual(['ingest-audio', 'ingest-video']);

    // The public stream follows the spotlight: the studio takes the floor.
    await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: studioId });
    const started = await ok(chair.socket, 'stream.start', { record: true });
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
    expect(stopped.recordings.length).toBeGreaterThan(0);
    const listed = (await (await fetch(`${h.url}/api/consultations/${c.id}/recordings`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { recordings: { bytes: number }[] };
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
});
