import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptSegment } from '@consult/shared';
import type { AsrStream, AsrStreamEvents, Transcriber } from '../../server/src/features/transcript/asr/types.js';
import { ADMIN_TOKEN, createConsultation, joinAs, ok, sleep, startServer, tokenFor, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { OPUS_MIC, freeUdpPort, playAsOpusRtp, synthesize } from '../helpers/speech.js';

const ENGLISH = {
  title: 'Transcript test',
  language: 'en',
  agenda: [{ title: 'Elevators' }],
  sites: [
    { id: 'city', name: 'City' },
    { id: 'lake', name: 'Lake County' },
  ],
  participants: [
    { name: 'Chair', role: 'moderator', siteId: 'city' },
    { name: 'Alice', role: 'member', siteId: 'city' },
    { name: 'Bob', role: 'member', siteId: 'lake' },
    { name: 'Clerk', role: 'clerk', siteId: 'city' },
  ],
};

/** A member's microphone on the SFU fed by ffmpeg (Opus RTP), as a browser would send it. */
async function microphone(h: Harness, consultationId: string, participantId: string, ssrc: number) {
  const room = h.app.media.existingRoom(consultationId)!;
  const transport = await room.createPlainTransport(participantId, 'send');
  await room.produce(participantId, { transportId: transport.id, kind: 'audio', source: 'mic', paused: false, rtpParameters: OPUS_MIC(ssrc) });
  const localPort = await freeUdpPort();
  return { say: (wav: string) => playAsOpusRtp(wav, transport.tuple.localIp, transport.tuple.localPort, ssrc, localPort) };
}

/** Counts the PCM the tap delivers, per stream: proves the tap follows the floor. */
class CountingTranscriber implements Transcriber {
  streams: { samples: number; ended: boolean }[] = [];
  describe() {
    return { engine: 'segments' as const, model: null, recognises: false };
  }
  start(): AsrStream {
    const record = { samples: 0, ended: false };
    this.streams.push(record);
    const stream = new EventEmitter<AsrStreamEvents>() as AsrStream;
    stream.push = (pcm) => {
      record.samples += pcm.length;
    };
    stream.end = async () => {
      record.ended = true;
      // One segment for the whole speech, so attribution can be checked.
      if (record.samples > 0)
        stream.emit('final', { startMs: 0, endMs: (record.samples / 16000) * 1000, text: '', confidence: null, clip: new Int16Array(160) });
    };
    return stream;
  }
  async close() {}
}

describe('the transcript tap follows the floor (real SFU, real Opus from ffmpeg)', () => {
  let h: Harness;
  let c: CreatedConsultation;
  const transcriber = new CountingTranscriber();
  beforeAll(async () => {
    h = await startServer({ transcriber });
    c = await createConsultation(h.url, ENGLISH);
  });
  afterAll(async () => h.close());

  it('taps only the floor holder, moves with the floor, and attributes the segment to the speech', async () => {
    const chair = await joinAs(h.url, tokenFor(c, 'Chair'));
    const alice = await joinAs(h.url, tokenFor(c, 'Alice'));
    const bob = await joinAs(h.url, tokenFor(c, 'Bob'));
    const wav = synthesize('the committee supports the plan');
    const aliceMic = await microphone(h, c.id, alice.snapshot.self.id, 0x1111);
    const bobMic = await microphone(h, c.id, bob.snapshot.self.id, 0x2222);

    // Nobody holds the floor: nobody is transcribed.
    await aliceMic.say(wav);
    expect(transcriber.streams).toHaveLength(0);

    const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: alice.snapshot.self.id });
    await sleep(500);
    expect(h.app.transcripts.activeSpeech(c.id)).toBe(speechId);
    await Promise.all([aliceMic.say(wav), bobMic.say(wav)]);
    await sleep(300);
    const aliceStream = transcriber.streams[0]!;
    // About 2–3 s of Alice at 16 kHz; Bob (no floor) added nothing.
    expect(aliceStream.samples).toBeGreaterThan(16000 * 1.5);
    expect(aliceStream.samples).toBeLessThan(16000 * 6);

    // The floor moves to Bob: Alice's stream ends (flushed), Bob's starts.
    const segmentSeen = new Promise<TranscriptSegment>((resolve) => chair.socket.on('transcript.segment', ({ segment }) => resolve(segment)));
    const second = await ok(chair.socket, 'floor.grant', { expectedSpeechId: speechId, participantId: bob.snapshot.self.id });
    const segment = await segmentSeen;
    expect(segment).toMatchObject({ speechId, participantId: alice.snapshot.self.id, name: 'Alice', siteId: 'city', offFloor: false, hasClip: true });
    expect(aliceStream.ended).toBe(true);
    await sleep(500);
    expect(h.app.transcripts.activeSpeech(c.id)).toBe(second.speechId);
    await bobMic.say(wav);
    expect(transcriber.streams[1]!.samples).toBeGreaterThan(16000 * 1.5);
    expect(aliceStream.samples).toBeLessThan(16000 * 6);

    // No speech: the tap is gone, and nothing more is heard.
    await ok(chair.socket, 'floor.end', { speechId: second.speechId });
    await sleep(300);
    expect(h.app.transcripts.activeSpeech(c.id)).toBeNull();
    const before = transcriber.streams.map((s) => s.samples);
    await aliceMic.say(wav);
    expect(transcriber.streams.map((s) => s.samples)).toEqual(before);
    expect(transcriber.streams).toHaveLength(2);

    // The clip is there for the clerk; members may not fetch it.
    const clerkToken = tokenFor(c, 'Clerk');
    const clip = await fetch(`${h.url}/api/consultations/${c.id}/segments/${segment.id}/clip.wav`, { headers: { authorization: `Bearer ${clerkToken}` } });
    expect(clip.status).toBe(200);
    expect(
      Buffer.from(await clip.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('RIFF');
    const denied = await fetch(`${h.url}/api/consultations/${c.id}/segments/${segment.id}/clip.wav`, {
      headers: { authorization: `Bearer ${tokenFor(c, 'Bob')}` },
    });
    expect(denied.status).toBe(403);
    for (const x of [chair, alice, bob]) x.socket.disconnect();
  });
});

describe('real recognition of a floor holder through the SFU (espeak-ng → Opus → tap → pocketsphinx)', () => {
  let h: Harness;
  let c: CreatedConsultation;
  beforeAll(async () => {
    h = await startServer();
    c = await createConsultation(h.url, ENGLISH);
  });
  afterAll(async () => h.close());

  it('transcribes the floor holder’s words under their name, and nothing before the floor', async () => {
    expect(h.app.transcripts.engine(c.id)).toMatchObject({ engine: 'pocketsphinx', recognises: true, language: 'en' });
    const chair = await joinAs(h.url, tokenFor(c, 'Chair'));
    const alice = await joinAs(h.url, tokenFor(c, 'Alice'));
    const sentences = [
      'The committee will now vote on the budget proposal.',
      'We need more time to discuss the report.',
      'The secretary will publish the minutes next week.',
    ];
    const wav = synthesize(sentences.join(' ... '), 'en-us+klatt', 150);
    const mic = await microphone(h, c.id, alice.snapshot.self.id, 0x3333);
    await mic.say(wav);
    expect(h.app.consultations.get(c.id)!.transcript.segments).toHaveLength(0);

    const partials: string[] = [];
    chair.socket.on('transcript.partial', (p) => partials.push(p.text));
    const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: alice.snapshot.self.id });
    await sleep(500);
    await mic.say(wav);
    await sleep(1500);
    await ok(chair.socket, 'floor.end', { speechId });
    await sleep(1000);
    const segments = h.app.consultations.get(c.id)!.transcript.segments;
    expect(segments.length).toBeGreaterThanOrEqual(1);
    for (const seg of segments)
      expect(seg).toMatchObject({ speechId, participantId: alice.snapshot.self.id, name: 'Alice', engine: 'pocketsphinx', hasClip: true });
    const heard = new Set(
      segments
        .map((s) => s.text)
        .join(' ')
        .toLowerCase()
        .split(/\W+/),
    );
    const keyWords = ['committee', 'vote', 'budget', 'proposal', 'need', 'time', 'discuss', 'report', 'secretary', 'publish', 'minutes', 'week'];
    const found = keyWords.filter((w) => heard.has(w) || heard.has(`${w}s`));
    // pocketsphinx's general English model on synthetic speech: about half the words (docs/ASR.md).
    expect(found.length, `heard: ${[...heard].join(' ')}`).toBeGreaterThanOrEqual(4);
    expect(partials.length).toBeGreaterThan(0);
    // Segments are in time order within the speech, and inside it.
    const speech = h.app.consultations.get(c.id)!.floor.speeches.find((s) => s.id === speechId)!;
    for (const seg of segments) {
      expect(seg.startedAt).toBeGreaterThanOrEqual(speech.grantedAt - 500);
      expect(seg.endedAt).toBeLessThanOrEqual(speech.endedAt! + 500);
    }
    chair.socket.disconnect();
    alice.socket.disconnect();
  });
});

describe('clerk and minutes over socket.io and REST', () => {
  let h: Harness;
  let c: CreatedConsultation;
  beforeAll(async () => {
    h = await startServer();
    c = await createConsultation(h.url, { ...ENGLISH, language: 'zh', title: '纪要测试' });
  });
  afterAll(async () => h.close());

  it('adds and corrects entries, signs off, locks with a hash, and exports md, html, docx, pdf and json', async () => {
    const chair = await joinAs(h.url, tokenFor(c, 'Chair'));
    const clerk = await joinAs(h.url, tokenFor(c, 'Clerk'));
    const alice = await joinAs(h.url, tokenFor(c, 'Alice'));
    expect(clerk.snapshot.transcript.minutes).toMatchObject({ version: 1, status: 'draft' });
    // Only the clerk edits; a member may not.
    expect((await ok(alice.socket, 'transcript.state', {})).segments).toEqual([]);
    const refused = await new Promise((r) => alice.socket.emit('transcript.add', { participantId: alice.snapshot.self.id, text: 'x' }, r));
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const seen = new Promise<TranscriptSegment>((resolve) => alice.socket.on('transcript.segment', ({ segment }) => resolve(segment)));
    const { segment } = await ok(clerk.socket, 'transcript.add', { participantId: alice.snapshot.self.id, text: '会场居民代表：支持加装电梯' });
    expect(await seen).toMatchObject({ id: segment.id, offFloor: true, name: 'Alice' });
    const { segment: edited } = await ok(clerk.socket, 'transcript.edit', { segmentId: segment.id, text: '会场居民代表：赞成加装电梯' });
    expect(edited!.edits.map((e) => e.text)).toEqual(['会场居民代表：支持加装电梯', '会场居民代表：赞成加装电梯']);

    const draft = await ok(clerk.socket, 'minutes.draft', {});
    expect(draft.items[0]!.speeches[0]).toMatchObject({ name: 'Alice', offFloor: true, text: '会场居民代表：赞成加装电梯' });
    expect(await new Promise((r) => chair.socket.emit('minutes.approve', { version: 1 }, r))).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await ok(clerk.socket, 'minutes.submit', {});
    const changed = new Promise((resolve) => alice.socket.on('minutes.changed', resolve));
    const { minutes } = await ok(chair.socket, 'minutes.approve', { version: 1 });
    expect(minutes).toMatchObject({ status: 'approved', version: 1 });
    expect(minutes.hash).toMatch(/^[0-9a-f]{64}$/);
    await changed;

    const get = (format: string, token = ADMIN_TOKEN) =>
      fetch(`${h.url}/api/consultations/${c.id}/minutes?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
    const json = (await (await get('json')).json()) as { hash: string; document: { status: string } };
    expect(json).toMatchObject({ hash: minutes.hash, document: { status: 'approved' } });
    const md = await (await get('md', tokenFor(c, 'Clerk'))).text();
    expect(md).toContain('会场居民代表：赞成加装电梯');
    expect(md).toContain('已审定');
    expect((await get('md', tokenFor(c, 'Alice'))).status).toBe(403);
    expect((await get('html')).headers.get('content-type')).toContain('text/html');
    // LibreOffice opens both Word layouts; its PDF shows the minutes, and the headings become the outline (the navigation pane's).
    for (const layout of ['plain', 'official']) {
      const docx = Buffer.from(await (await get(`docx&layout=${layout}`)).arrayBuffer());
      expect(docx.subarray(0, 2).toString()).toBe('PK');
      const dir = mkdtempSync(path.join(tmpdir(), 'docx-'));
      writeFileSync(path.join(dir, 'minutes.docx'), docx);
      execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, path.join(dir, 'minutes.docx')],
        { stdio: 'ignore', timeout: 120_000 },
      );
      expect(execFileSync('pdftotext', [path.join(dir, 'minutes.pdf'), '-']).toString()).toContain('会场居民代表：赞成加装电梯');
      const outline = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', path.join(dir, 'minutes.pdf')]).toString();
      expect(outline).toMatch(/<outline>[\s\S]*出席情况[\s\S]*<\/outline>/);
    }
    const pdf = await get('pdf');
    expect(pdf.status).toBe(200);
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    // Rendered to an image (tests/artifacts/minutes-page1.png) to look at the Chinese: the page is not blank.
    mkdirSync('tests/artifacts', { recursive: true });
    writeFileSync('tests/artifacts/minutes.pdf', pdfBytes);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', 'tests/artifacts/minutes.pdf', 'tests/artifacts/minutes-page1']);
    // The Chinese is real text in the PDF (not boxes): it extracts back.
    expect(execFileSync('pdftotext', ['tests/artifacts/minutes.pdf', '-']).toString()).toContain('会场居民代表：赞成加装电梯');

    // A correction after approval opens version 2, linked to version 1.
    await ok(clerk.socket, 'transcript.edit', { segmentId: segment.id, text: '会场居民代表：一致赞成加装电梯' });
    const v2 = (await (await get('json')).json()) as { minutes: { version: number; status: string; previousHash: string } };
    expect(v2.minutes).toMatchObject({ version: 2, status: 'draft', previousHash: minutes.hash });
    for (const x of [chair, clerk, alice]) x.socket.disconnect();
  });
});
