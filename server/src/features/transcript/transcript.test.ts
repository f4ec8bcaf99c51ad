import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { WebVTTParser } from 'webvtt-parser';
import { AppError, type Participant } from '@consult/shared';
import type { StoredEvent } from '../../store/EventStore.js';
import { createConsultation, foldConsultation, type ConsultationState } from '../../domain/consultation.js';
import { decideAddEntry, decideApprove, decideEdit, decideReturn, decideSubmit } from '../../domain/transcript.js';
import { AudioClock, segmentFromFinal } from './attribution.js';
import { buildMinutes, markdownText, minutesMarkdown, ruleSentence, speechVtt } from './minutes.js';
import { minutesDocx } from './docx.js';

function ids() {
  let n = 0;
  return () => `id${++n}`;
}

const consultation = createConsultation(
  {
    title: '协商会',
    language: 'zh',
    agenda: [{ title: '加装电梯' }, { title: '公交线网' }],
    sites: [
      { id: 'city', name: '市本级' },
      { id: 'lake', name: '湖滨县' },
    ],
    participants: [
      { name: '王主席', role: 'moderator', siteId: 'city' },
      { name: '李委员', role: 'member', siteId: 'city' },
      { name: '张委员', role: 'member', siteId: 'lake' },
      { name: '赵记录', role: 'clerk', siteId: 'city' },
      { name: '缺席委员', role: 'member', siteId: 'lake' },
    ],
  },
  ids(),
  0,
);
const [chair, li, zhang, clerk] = consultation.participants as [Participant, Participant, Participant, Participant];
const [item1, item2] = consultation.agenda;

/** Builds a log: events appended with consecutive seqs. */
class Log {
  events: StoredEvent[] = [{ seq: 1, type: 'consultation.created', at: 0, data: consultation }];
  add(type: string, data: unknown, at: number) {
    this.events.push({ seq: this.events.length + 1, type, at, data });
    return this;
  }
  addAll(list: { type: string; data: unknown }[], at: number) {
    for (const e of list) this.add(e.type, e.data, at);
    return this;
  }
  get state(): ConsultationState {
    return foldConsultation(this.events)!;
  }
}

const speech = (id: string, p: Participant, at: number, agendaItemId = item1!.id) => ({
  id,
  participantId: p.id,
  siteId: p.siteId,
  agendaItemId,
  type: 'speech',
  note: '',
  entryId: null,
  grantedAt: at,
  limitMs: 180_000,
  graceMs: 10_000,
  elapsedMs: 0,
  runningSince: at,
  endedAt: null,
  outcome: null,
});

const final = (startMs: number, endMs: number, text: string) => ({ startMs, endMs, text, confidence: 0.9, clip: new Int16Array(16) });

describe('attribution', () => {
  it('maps audio time to server time through the chunks’ arrival, across a pause in the audio', () => {
    const clock = new AudioClock();
    // 1 s of audio in 100 ms chunks arriving from t=10_000, then nothing for 5 s (muted), then 1 s more.
    for (let i = 1; i <= 10; i++) clock.received(100, 10_000 + i * 100);
    for (let i = 1; i <= 10; i++) clock.received(100, 16_000 + i * 100);
    expect(clock.wallAt(0, 0)).toBe(10_000);
    expect(clock.wallAt(550, 0)).toBe(10_550);
    expect(clock.wallAt(1000, 0)).toBe(16_000);
    expect(clock.wallAt(1500, 0)).toBe(16_500);
  });

  it('keeps a segment on the speech it was heard in, even when it is flushed after the floor moved', () => {
    const clockA = new AudioClock();
    clockA.received(2000, 12_000);
    const tapA = { speechId: 's1', agendaItemId: item1!.id, speaker: li, engine: 'pocketsphinx' };
    // The floor moved to 张委员 at 12_500; the flush of 李委员's last words comes after.
    const tapB = { speechId: 's2', agendaItemId: item1!.id, speaker: zhang, engine: 'pocketsphinx' };
    const late = segmentFromFinal('g1', tapA, clockA, final(1500, 2000, 'last words'), 13_000);
    expect(late).toMatchObject({
      speechId: 's1',
      participantId: li.id,
      name: '李委员',
      siteId: 'city',
      startedAt: 11_500,
      endedAt: 12_000,
      text: 'last words',
      hasClip: true,
    });
    const clockB = new AudioClock();
    clockB.received(500, 13_000);
    expect(segmentFromFinal('g2', tapB, clockB, final(0, 500, 'first words'), 13_100)).toMatchObject({
      speechId: 's2',
      participantId: zhang.id,
      siteId: 'lake',
    });
  });
});

describe('transcript corrections and sign-off', () => {
  const seg = (id: string, speechId: string, p: Participant, at: number, text: string) => ({
    id,
    agendaItemId: item1!.id,
    speechId,
    participantId: p.id,
    name: p.name,
    siteId: p.siteId,
    startedAt: at,
    endedAt: at + 2000,
    text,
    recognised: text,
    confidence: 0.8,
    engine: 'sherpa-onnx',
    hasClip: true,
    offFloor: false,
  });

  function withSpeeches(): Log {
    return new Log()
      .add('attendance.joined', { participantId: chair.id }, 100)
      .add('attendance.joined', { participantId: li.id }, 100)
      .add('attendance.joined', { participantId: zhang.id }, 100)
      .add('attendance.joined', { participantId: clerk.id }, 100)
      .add('floor.granted', speech('s1', li, 1_000), 1_000)
      .add('transcript.segment', seg('g1', 's1', li, 2_000, '建议加快加装电梯'), 4_000)
      .add('transcript.segment', seg('g2', 's1', li, 5_000, '资金由政府补贴'), 7_000)
      .add('floor.ended', { speechId: 's1', endedAt: 8_000, outcome: 'done', by: li.id }, 8_000);
  }

  it('keeps every edit with who made it and when; the text shown is the latest', () => {
    const log = withSpeeches();
    log.addAll(decideEdit(log.state.transcript, clerk, 'g1', '建议加快老旧小区加装电梯', 9_000), 9_000);
    log.addAll(decideEdit(log.state.transcript, clerk, 'g1', '建议加快老旧小区加装电梯进度', 9_500), 9_500);
    const g1 = log.state.transcript.segments[0]!;
    expect(g1.text).toBe('建议加快老旧小区加装电梯进度');
    expect(g1.recognised).toBe('建议加快加装电梯');
    expect(g1.edits).toEqual([
      { text: '建议加快老旧小区加装电梯', by: clerk.id, at: 9_000 },
      { text: '建议加快老旧小区加装电梯进度', by: clerk.id, at: 9_500 },
    ]);
    // The same text again is no change; an unknown segment is refused.
    expect(decideEdit(log.state.transcript, clerk, 'g1', '建议加快老旧小区加装电梯进度', 9_600)).toEqual([]);
    expect(() => decideEdit(log.state.transcript, clerk, 'nope', 'x', 9_600)).toThrow(AppError);
  });

  it('adds an off-floor entry for a chosen speaker, filed under the agenda item', () => {
    const log = withSpeeches();
    log.addAll(
      decideAddEntry(log.state.transcript, clerk, { id: 'o1', agendaItemId: item1!.id, speaker: zhang, text: '会场居民代表意见：支持', at: 8_500 }, 9_000),
      9_000,
    );
    const entry = log.state.transcript.segments.find((s) => s.id === 'o1')!;
    expect(entry).toMatchObject({
      offFloor: true,
      speechId: null,
      participantId: zhang.id,
      siteId: 'lake',
      text: '会场居民代表意见：支持',
      edits: [{ by: clerk.id, at: 9_000 }],
    });
    const doc = buildMinutes(log.state, 10_000);
    expect(doc.items[0]!.speeches.map((s) => [s.name, s.offFloor])).toEqual([
      ['李委员', false],
      ['张委员', true],
    ]);
  });

  it('submits, approves (locked and hash-stamped), and a later change opens a new version linked to the approved one', () => {
    const log = withSpeeches();
    expect(() => decideApprove(log.state.transcript, chair, 1, buildMinutes(log.state, 0), 'h', 9_000)).toThrow(/not submitted/);
    log.addAll(decideSubmit(log.state.transcript, clerk, 9_000), 9_000);
    expect(() => decideSubmit(log.state.transcript, clerk, 9_001)).toThrow(AppError);
    // While submitted the clerk cannot edit; the moderator can send it back.
    expect(() => decideEdit(log.state.transcript, clerk, 'g1', 'x', 9_100)).toThrow(/approval/);
    log.addAll(decideReturn(log.state.transcript, chair, 9_200), 9_200);
    log.addAll(decideEdit(log.state.transcript, clerk, 'g1', '建议加快老旧小区加装电梯', 9_300), 9_300);
    log.addAll(decideSubmit(log.state.transcript, clerk, 9_400), 9_400);
    const doc = { ...buildMinutes(log.state, 9_500), status: 'approved' as const };
    log.addAll(decideApprove(log.state.transcript, chair, 1, doc, 'hash-v1', 9_500), 9_500);
    expect(log.state.transcript.minutes).toMatchObject({ version: 1, status: 'approved', hash: 'hash-v1', approvedBy: chair.id });
    expect(log.state.transcript.approved[1]!.document.items[0]!.speeches[0]!.text).toBe('建议加快老旧小区加装电梯资金由政府补贴');
    // A correction after approval: version 2, linked to version 1's hash; version 1 stays as locked.
    log.addAll(decideEdit(log.state.transcript, clerk, 'g2', '资金由市县两级财政补贴', 10_000), 10_000);
    expect(log.state.transcript.minutes).toMatchObject({ version: 2, status: 'draft', previousHash: 'hash-v1' });
    expect(log.state.transcript.approved[1]!.document.items[0]!.speeches[0]!.text).toBe('建议加快老旧小区加装电梯资金由政府补贴');
    expect(buildMinutes(log.state, 10_500)).toMatchObject({ version: 2, previousHash: 'hash-v1' });
    expect(() => decideApprove(log.state.transcript, chair, 1, doc, 'x', 11_000)).toThrow(AppError);
  });
});

describe('minutes document', () => {
  it('heads with the moderator and attendance per site, lists speeches per item, and spells out each vote', () => {
    const log = new Log()
      .add('attendance.joined', { participantId: chair.id }, 100)
      .add('attendance.joined', { participantId: li.id }, 100)
      .add('attendance.joined', { participantId: zhang.id }, 100)
      .add('floor.granted', speech('s1', li, 1_000), 1_000)
      .add(
        'transcript.segment',
        {
          id: 'g1',
          agendaItemId: item1!.id,
          speechId: 's1',
          participantId: li.id,
          name: li.name,
          siteId: 'city',
          startedAt: 1_500,
          endedAt: 3_000,
          text: '同意方案。',
          recognised: '同意方案。',
          confidence: null,
          engine: 'segments',
          hasClip: false,
          offFloor: false,
        },
        3_000,
      )
      .add('floor.ended', { speechId: 's1', endedAt: 4_000, outcome: 'done', by: li.id }, 4_000)
      .add('agenda.advanced', { from: item1!.id, to: item2!.id }, 5_000)
      .add('floor.granted', speech('s2', zhang, 6_000, item2!.id), 6_000);
    const definition = {
      id: 'm1',
      title: '电梯方案',
      text: '',
      agendaItemId: item1!.id,
      kind: 'decision' as const,
      options: ['for', 'against', 'abstain'].map((id) => ({ id, label: id })),
      maxChoices: 1,
      ballot: 'named' as const,
      majority: 'absolute' as const,
      abstentionsInBase: false,
      quorum: 0.5,
      timeLimitMs: null,
      allowChange: true,
      createdAt: 0,
      createdBy: chair.id,
    };
    const result = {
      counts: { for: 2, against: 0, abstain: 0 },
      ballots: 2,
      blank: 0,
      quorum: { present: 2, members: 3, required: 2, met: true },
      majority: { rule: 'absolute' as const, baseKind: 'members' as const, base: 3, threshold: 2 },
      passed: true,
      elected: [],
      tie: false,
    };
    log.add('motion.created', { motionId: 'm1', definition, prevHash: '0', hash: 'a' }, 7_000);
    log.add('motion.opened', { motionId: 'm1', eligible: [li.id, zhang.id], members: 3, openedAt: 7_000, closesAt: null, prevHash: 'a', hash: 'b' }, 7_000);
    log.add('motion.closed', { motionId: 'm1', closedAt: 8_000, reason: 'moderator', by: chair.id, box: null, result, prevHash: 'b', hash: 'c' }, 8_000);
    const doc = buildMinutes(log.state, 9_000);
    expect(doc.moderator).toEqual([{ name: '王主席', siteName: '市本级' }]);
    expect(doc.attendance.find((s) => s.siteId === 'lake')).toMatchObject({
      present: [{ name: '张委员', role: '委员' }],
      absent: [{ name: '缺席委员', role: '委员' }],
    });
    expect(doc.items.map((i) => [i.title, i.speeches.map((s) => s.name)])).toEqual([
      ['加装电梯', ['李委员']],
      ['公交线网', ['张委员']],
    ]);
    expect(doc.items[0]!.speeches[0]).toMatchObject({ text: '同意方案。', startedAt: 1_000, endedAt: 4_000 });
    expect(doc.items[0]!.motions[0]).toMatchObject({
      title: '电梯方案',
      rule: '通过：赞成 2 票，超过应到委员半数 2 票',
      counts: [
        { label: '赞成', votes: 2 },
        { label: '反对', votes: 0 },
        { label: '弃权', votes: 0 },
      ],
    });
    const md = minutesMarkdown(doc, 'zh');
    expect(md).toContain('# 协商会 · 会议纪要');
    expect(md).toContain('缺席 缺席委员');
    expect(md).toContain('通过：赞成 2 票，超过应到委员半数 2 票');
    // The brief's example sentence.
    expect(
      ruleSentence('zh', definition, {
        ...result,
        counts: { for: 31, against: 10, abstain: 4 },
        majority: { ...result.majority, base: 55, threshold: 28 },
        quorum: { present: 50, members: 55, required: 28, met: true },
      }),
    ).toBe('通过：赞成 31 票，超过应到委员半数 28 票');
    expect(ruleSentence('zh', definition, { ...result, passed: false, quorum: { present: 1, members: 3, required: 2, met: false } })).toBe(
      '表决无效：出席 1 人，未达到法定人数 2 人',
    );
  });

  it('writes the Word minutes with heading styles (navigation pane, table of contents), plain or as an official document', async () => {
    const log = new Log()
      .add('floor.granted', speech('s1', li, 10_000), 10_000)
      .add('floor.ended', { speechId: 's1', endedAt: 20_000, outcome: 'done', by: li.id }, 20_000);
    const doc = buildMinutes(log.state, 30_000);
    const parts = (buffer: Buffer) => {
      const files = unzipSync(new Uint8Array(buffer));
      return { document: strFromU8(files['word/document.xml']!), styles: strFromU8(files['word/styles.xml']!) };
    };
    const plain = parts(await minutesDocx(doc, 'zh'));
    // The title, the attendance and each agenda item are headings Word knows, not bold paragraphs.
    expect(plain.document).toContain('<w:pStyle w:val="Title"/>');
    expect(plain.document.match(/<w:pStyle w:val="Heading1"\/>/g)?.length).toBe(1 + doc.items.length);
    expect(plain.document).toContain('<w:pStyle w:val="Heading2"/>');
    expect(plain.styles).toMatch(/w:styleId="Heading1"[\s\S]*?<w:outlineLvl w:val="0"\/>/);
    expect(plain.styles).toMatch(/w:styleId="Heading2"[\s\S]*?<w:outlineLvl w:val="1"\/>/);
    expect(plain.styles).toContain('Noto Sans CJK SC');
    const official = parts(await minutesDocx(doc, 'zh', 'official'));
    // GB/T 9704: 方正小标宋 title, 仿宋 body, 黑体 and 楷体 headings; top margin 37 mm, binding margin 28 mm (in twips).
    for (const name of ['方正小标宋简体', '仿宋', '黑体', '楷体']) expect(official.styles).toContain(name);
    const margin = (side: string) => Number(new RegExp(`<w:pgMar[^>]*w:${side}="(\\d+)"`).exec(official.document)?.[1]);
    expect(Math.abs(margin('top') - (37 / 25.4) * 1440)).toBeLessThan(5);
    expect(Math.abs(margin('left') - (28 / 25.4) * 1440)).toBeLessThan(5);
  });

  it('writes a speech’s captions as WebVTT timed from the grant', () => {
    const log = new Log().add('floor.granted', speech('s1', li, 10_000), 10_000).add(
      'transcript.segment',
      {
        id: 'g1',
        agendaItemId: item1!.id,
        speechId: 's1',
        participantId: li.id,
        name: li.name,
        siteId: 'city',
        startedAt: 11_000,
        endedAt: 13_500,
        text: '第一句',
        recognised: '第一句',
        confidence: null,
        engine: 'x',
        hasClip: false,
        offFloor: false,
      },
      13_500,
    );
    expect(speechVtt(log.state, 's1')).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\n<v 李委员>第一句\n');
    expect(speechVtt(log.state, 'nope')).toBeNull();
  });

  it('writes captions a WebVTT parser accepts whatever the clerk typed: blank lines, & and <, arrows', () => {
    const segment = (id: string, text: string, startedAt: number) => ({
      id,
      agendaItemId: item1!.id,
      speechId: 's1',
      participantId: li.id,
      name: li.name,
      siteId: 'city',
      startedAt,
      endedAt: startedAt + 2000,
      text,
      recognised: text,
      confidence: null,
      engine: 'x',
      hasClip: false,
      offFloor: false,
    });
    const log = new Log()
      .add('floor.granted', speech('s1', li, 10_000), 10_000)
      .add('transcript.segment', segment('g1', '第一段\n\n第二段 & <b>不是标签</b>', 11_000), 13_000)
      .add('transcript.segment', segment('g2', '从 A --> B', 14_000), 16_000);
    const vtt = speechVtt(log.state, 's1')!;
    const parsed = new WebVTTParser().parse(vtt, 'metadata') as { errors: { message: string }[]; cues: { text: string; voice?: string }[] };
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues).toHaveLength(2);
    expect(parsed.cues[0]!.text).toBe('<v 李委员>第一段\n第二段 &amp; &lt;b&gt;不是标签&lt;/b&gt;');
    expect(parsed.cues[1]!.text).toBe('<v 李委员>从 A --&gt; B');
  });
});

describe('Markdown minutes', () => {
  it("keep participants' names and words as text: HTML and Markdown marks escaped, lines kept in their item", () => {
    expect(markdownText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(markdownText('**不是粗体** [link](http://x) # 标题')).toBe('\\*\\*不是粗体\\*\\* \\[link\\](http://x) \\# 标题');
    expect(markdownText('第一段\n\n\n第二段')).toBe('第一段\\\n  第二段');
  });
});
