import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorView, MinutesVersionInfo, TranscriptSegment } from '@consult/shared';
import type { AsrLanguage, AsrStream, AsrStreamEvents, EngineDescription, Transcriber } from '../../server/src/features/transcript/asr/types.js';
import { createConsultation, joinAs, ok, sleep, startServer, tempDir, tokenFor, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { launchBrowser, personPage, screenshot } from '../helpers/browser.js';

// Page code is passed as strings: tsx/vitest would wrap functions with a `__name` helper the page does not have.

/**
 * A recogniser the test drives: it counts the floor holder's PCM as the tap delivers it
 * (so the audio really flows browser → SFU → tap), and says what the test tells it to.
 * Real recognition through the SFU is covered by tests/integration/transcript.test.ts.
 */
class ScriptedTranscriber implements Transcriber {
  streams: { stream: AsrStream; samples: number; pcm: Int16Array[]; pending: { startMs: number; text: string } | null; ended: boolean }[] = [];

  describe(language: AsrLanguage): EngineDescription {
    // English is "recognised"; Chinese has no model here, as on a server without sherpa-onnx.
    return language === 'en'
      ? { engine: 'sherpa-onnx', model: 'scripted-test-model', recognises: true }
      : { engine: 'segments', model: null, recognises: false };
  }

  start(): AsrStream {
    const stream = new EventEmitter<AsrStreamEvents>() as AsrStream;
    const record = { stream, samples: 0, pcm: [] as Int16Array[], pending: null as { startMs: number; text: string } | null, ended: false };
    this.streams.push(record);
    stream.push = (pcm) => {
      record.samples += pcm.length;
      if (record.samples < 16000 * 20) record.pcm.push(pcm.slice());
    };
    stream.end = async () => {
      record.ended = true;
      // The utterance in progress becomes final when the speech ends.
      if (record.pending) this.final(record.pending.text);
    };
    return stream;
  }

  get current() {
    return this.streams[this.streams.length - 1];
  }

  private nowMs(): number {
    return ((this.current?.samples ?? 0) / 16000) * 1000;
  }

  partial(text: string): void {
    const record = this.current!;
    record.pending = { startMs: record.pending?.startMs ?? this.nowMs(), text };
    record.stream.emit('partial', { startMs: record.pending.startMs, text });
  }

  final(text: string): void {
    const record = this.current!;
    const startMs = record.pending?.startMs ?? 0;
    record.pending = null;
    const all = new Int16Array(record.pcm.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of record.pcm) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    record.pcm = [];
    record.stream.emit('final', { startMs, endMs: this.nowMs(), text, confidence: 0.9, clip: all.length > 0 ? all : new Int16Array(1600) });
  }

  async close() {}
}

const ENGLISH = {
  title: 'Elevator consultation',
  language: 'en',
  agenda: [{ title: 'Elevators in old housing' }, { title: 'Parks' }],
  sites: [
    { id: 'city', name: 'City' },
    { id: 'lake', name: 'Lake County' },
  ],
  participants: [
    { name: 'Chair', role: 'moderator', siteId: 'city' },
    { name: 'Alice', role: 'member', siteId: 'city' },
    { name: 'Bob', role: 'member', siteId: 'lake' },
    { name: 'Carol', role: 'member', siteId: 'lake' },
    { name: 'Clerk', role: 'clerk', siteId: 'city' },
    { name: 'Visitor', role: 'observer', siteId: 'city' },
  ],
};

let h: Harness;
let c: CreatedConsultation;
let browser: Browser;
const transcriber = new ScriptedTranscriber();

beforeAll(async () => {
  h = await startServer({ transcriber });
  if (!existsSync(`${h.config.clientDir}/index.html`)) throw new Error('client is not built: run npm run build first');
  c = await createConsultation(h.url, ENGLISH);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const testId = (id: string) => `[data-testid="${id}"]`;
const textOf = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');
const attrOf = (page: Page, selector: string, name: string) => page.$eval(selector, (el, n) => el.getAttribute(n), name);
const transcriptOf = (page: Page) =>
  page.evaluate('window.__consultation.state().transcript') as Promise<{
    segments: TranscriptSegment[];
    minutes: MinutesVersionInfo | null;
    captionsOn: boolean;
    loaded: boolean;
  }>;

async function join(page: Page, created: CreatedConsultation, name: string): Promise<void> {
  const person = created.participants.find((p) => p.name === name)!;
  await page.goto(h.url + person.joinUrl);
  await enter(page);
}

async function enter(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
  await page.click('[data-testid="join-button"]');
  await page.waitForSelector('[data-testid="floor-bar"]', { timeout: 20_000 });
  await page.waitForFunction('window.__consultation.floor() !== null', { timeout: 10_000 });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Clicks an element after bringing it to the middle of the view (toasts sit at the bottom). */
async function press(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(selector, { visible: true, timeout: 10_000 });
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  await page.click(selector);
}

/** Waits until an element's text contains a string. */
function textContains(page: Page, selector: string, text: string, timeout = 10_000) {
  return page.waitForFunction(
    `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return !!el && el.textContent.includes(${JSON.stringify(text)}); })()`,
    { timeout },
  );
}

describe('captions, the clerk’s transcript and the minutes in Chromium', () => {
  it('captions for everyone, the clerk corrects and completes, the moderator approves, the PDF downloads', async () => {
    const id = (name: string) => c.participants.find((p) => p.name === name)!.id;
    const downloads = tempDir('consult-downloads-');
    const mod = await personPage(browser);
    const alice = await personPage(browser);
    const bob = await personPage(browser);
    const observer = await personPage(browser, 375, 740);
    const clerkContext = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
    const clerk = await clerkContext.newPage();
    await clerk.setViewport({ width: 1280, height: 900 });
    clerk.on('pageerror', (err) => console.error('[page error]', err));
    for (const [page, name] of [
      [mod, 'Chair'],
      [alice, 'Alice'],
      [bob, 'Bob'],
      [observer, 'Visitor'],
      [clerk, 'Clerk'],
    ] as const) {
      await join(page, c, name);
    }

    // The clerk's room is the workspace: the transcript (empty so far) and which engine runs.
    await clerk.waitForSelector(testId('transcript-panel'));
    await clerk.waitForFunction('window.__consultation.state().transcript.loaded === true', { timeout: 10_000 });
    expect(await attrOf(clerk, testId('engine-info'), 'data-engine')).toBe('sherpa-onnx');
    expect(await textOf(clerk, testId('engine-info'))).toContain('scripted-test-model');
    // Members do not get the clerk's workspace nor the minutes tab.
    expect(await bob.$(testId('transcript-panel'))).toBeNull();
    expect(await bob.$(testId('tab-minutes'))).toBeNull();
    expect(await attrOf(bob, testId('captions-toggle'), 'aria-pressed')).toBe('true');

    // The moderator gives Alice the floor; her microphone opens and the tap hears it.
    await mod.select(testId('grant-direct'), id('Alice'));
    await mod.click(testId('grant-direct-button'));
    await mod.waitForFunction(`window.__consultation.floor().speech?.participantId === '${id('Alice')}'`, { timeout: 10_000 });
    const speechId = ((await mod.evaluate('window.__consultation.floor()')) as FloorView).speech!.id;
    await until(() => h.app.transcripts.activeSpeech(c.id) === speechId, 'the tap to follow the floor', 20_000);
    await until(() => (transcriber.current?.samples ?? 0) > 16000 * 0.5, 'Alice’s audio to reach the recogniser', 20_000);

    // Partial: the words in progress, under Alice's name, on every screen (the observer's phone too).
    transcriber.partial('the committee supports');
    const viewers = [bob, observer, mod, alice, clerk];
    for (const page of viewers) {
      await page.waitForSelector(`${testId('caption-strip')}[data-speech-id="${speechId}"]`, { timeout: 10_000 });
      await textContains(page, testId('caption-partial'), 'the committee supports');
      expect(await textOf(page, testId('caption-strip'))).toContain('Alice');
      expect(await page.$(testId('caption-final'))).toBeNull();
    }
    expect(await textOf(bob, testId('caption-strip'))).toContain('City');

    // Final: the line becomes final, and the next utterance starts as a partial.
    transcriber.final('The committee supports the elevator plan.');
    for (const page of viewers) await textContains(page, testId('caption-final'), 'The committee supports the elevator plan.');
    transcriber.partial('we need more time');
    for (const page of viewers) await textContains(page, testId('caption-partial'), 'we need more time');
    // The engine fails for a moment: the clerk's transcript marks the gap in this speech.
    transcriber.current!.stream.emit('error', new Error('decoder restarted'));
    await clerk.waitForSelector(`${testId(`speech-${speechId}`)} ${testId('transcript-gap')}`, { timeout: 10_000 });
    expect(await textOf(clerk, testId('transcript-gap'))).toContain('识别中断');
    expect(await textOf(clerk, testId('transcript-gap'))).toContain('decoder restarted');
    // The partial is set apart from the final text (lighter, italic).
    const styles = (await bob.evaluate(
      `[getComputedStyle(document.querySelector('[data-testid="caption-final"]')).fontStyle, getComputedStyle(document.querySelector('[data-testid="caption-partial"]')).fontStyle]`,
    )) as string[];
    expect(styles).toEqual(['normal', 'italic']);
    await sleep(300);
    await screenshot(bob, 'transcript-captions-desktop');
    await screenshot(observer, 'transcript-captions-375px');
    // Nothing sticks out of the phone's width.
    expect(await observer.$eval(testId('caption-strip'), (el) => el.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
    expect(await observer.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    // Bob turns the captions off; the choice survives a reload.
    await bob.click(testId('captions-toggle'));
    await bob.waitForSelector(`${testId('captions-toggle')}[aria-pressed="false"]`);
    expect(await bob.$(testId('caption-strip'))).toBeNull();
    expect(await bob.evaluate(`localStorage.getItem('consult.captions')`)).toBe('off');
    await bob.reload();
    await enter(bob);
    await bob.waitForSelector(`${testId('captions-toggle')}[aria-pressed="false"]`);
    await sleep(500);
    expect(await bob.$(testId('caption-strip'))).toBeNull();
    // The observer still has them.
    expect(await observer.$(testId('caption-strip'))).not.toBeNull();
    await bob.browserContext().close();

    // The moderator ends the speech: the words in progress become the second segment.
    await mod.click(testId('end-speech'));
    await clerk.waitForFunction('window.__consultation.state().transcript.segments.length === 2', { timeout: 10_000 });
    const [first, second] = (await transcriptOf(clerk)).segments;
    expect(first).toMatchObject({
      speechId,
      participantId: id('Alice'),
      name: 'Alice',
      siteId: 'city',
      text: 'The committee supports the elevator plan.',
      hasClip: true,
    });
    expect(second).toMatchObject({ speechId, text: 'we need more time' });
    await clerk.waitForSelector(testId(`segment-${second!.id}`));
    const speechText = await textOf(clerk, testId(`speech-${speechId}`));
    for (const part of ['Alice', 'City']) expect(speechText).toContain(part);
    expect(await textOf(clerk, testId('transcript-panel'))).toContain('Elevators in old housing');

    // The clerk corrects the first segment (Ctrl+Enter) and the second (the save button).
    const edit1 = testId(`segment-edit-${first!.id}`);
    expect(await attrOf(clerk, testId(`segment-${first!.id}`), 'data-edited')).toBe('false');
    await clerk.$eval(edit1, (el) => (el as HTMLTextAreaElement).select());
    await clerk.type(edit1, 'The committee supports the elevator subsidy plan.');
    await clerk.keyboard.down('Control');
    await clerk.keyboard.press('Enter');
    await clerk.keyboard.up('Control');
    await clerk.waitForSelector(`${testId(`segment-${first!.id}`)}[data-edited="true"]`, { timeout: 10_000 });
    const edit2 = testId(`segment-edit-${second!.id}`);
    await clerk.$eval(edit2, (el) => (el as HTMLTextAreaElement).select());
    await clerk.type(edit2, 'We need more time to discuss the report.');
    await press(clerk, testId(`segment-save-${second!.id}`));
    await clerk.waitForSelector(`${testId(`segment-${second!.id}`)}[data-edited="true"]`, { timeout: 10_000 });
    // The history says who changed what, and when; the recognised text stays in it.
    await press(clerk, `${testId(`segment-history-${first!.id}`)} summary`);
    const history = await textOf(clerk, testId(`segment-history-${first!.id}`));
    for (const part of ['Clerk', 'The committee supports the elevator plan.', 'The committee supports the elevator subsidy plan.'])
      expect(history).toContain(part);
    expect(await textOf(clerk, testId(`segment-${first!.id}`))).toMatch(/Edited by Clerk|已修改/);
    // Everyone's copy is corrected (replaced by id).
    await mod.waitForFunction(`window.__consultation.state().transcript.segments.some((s) => s.text === 'The committee supports the elevator subsidy plan.')`, {
      timeout: 10_000,
    });

    // The clerk listens to the segment's audio (fetched with the join token).
    await press(clerk, testId(`segment-play-${first!.id}`));
    await clerk.waitForSelector(`${testId(`segment-play-${first!.id}`)}[data-playing="true"]`, { timeout: 10_000 });
    await press(clerk, testId(`segment-play-${first!.id}`));
    await clerk.waitForSelector(`${testId(`segment-play-${first!.id}`)}[data-playing="false"]`);

    // An off-floor entry for Bob (someone spoke without the floor).
    await press(clerk, testId('offfloor-open'));
    await clerk.waitForSelector(testId('offfloor-form'), { visible: true });
    await clerk.select(testId('offfloor-speaker'), id('Bob'));
    await clerk.type(testId('offfloor-text'), 'Residents at Lake County asked about the cost.');
    await press(clerk, testId('offfloor-submit'));
    await clerk.waitForFunction('window.__consultation.state().transcript.segments.some((s) => s.offFloor)', { timeout: 10_000 });
    const entry = (await transcriptOf(clerk)).segments.find((s) => s.offFloor)!;
    expect(entry).toMatchObject({ participantId: id('Bob'), name: 'Bob', siteId: 'lake', speechId: null });
    await clerk.waitForSelector(`${testId(`segment-${entry.id}`)}[data-edited="false"]`);
    expect(await textOf(clerk, testId(`speech-off:${entry.id}`))).toMatch(/Bob.*Lake County/s);
    // The form folds away again; the clerk's whole screen from the top.
    await press(clerk, testId('offfloor-open'));
    await clerk.$eval(testId('clerk-main'), (el) => el.scrollTo(0, 0));
    await sleep(300);
    await screenshot(clerk, 'transcript-clerk-desktop');

    // A vote on the item, so the minutes carry a motion with its rule.
    await mod.click(testId('tab-voting'));
    await mod.waitForSelector(testId('motion-panel'), { visible: true });
    await mod.type(testId('motion-create-title'), 'Support the elevator plan');
    await mod.click(testId('motion-create-submit'));
    const motionExpr = `Object.values(window.__consultation.state().voting.motions).find((m) => m.definition.title === 'Support the elevator plan')?.definition.id ?? null`;
    await mod.waitForFunction(motionExpr, { timeout: 10_000 });
    const motionId = (await mod.evaluate(motionExpr)) as string;
    await mod.click(testId(`motion-open-${motionId}`));
    await alice.waitForSelector(`${testId('vote-card')}[data-motion-id="${motionId}"]`, { timeout: 10_000 });
    await alice.click(testId('vote-option-for'));
    await alice.click(testId('vote-submit'));
    await alice.waitForSelector(testId('vote-recorded'), { timeout: 10_000 });
    await mod.click(testId(`motion-close-${motionId}`));
    await mod.click(testId(`motion-close-yes-${motionId}`));
    await clerk.waitForFunction(`window.__consultation.state().voting.motions['${motionId}']?.status === 'closed'`, { timeout: 10_000 });

    // The minutes: preview, then submit.
    await press(clerk, testId('clerk-tab-minutes'));
    await clerk.waitForSelector(`${testId('minutes-status')}[data-status="draft"][data-version="1"]`);
    await press(clerk, testId('minutes-preview'));
    await clerk.waitForSelector(testId('minutes-document'), { timeout: 10_000 });
    const doc = await textOf(clerk, testId('minutes-document'));
    for (const part of [
      'Elevator consultation',
      'Chair',
      'Elevators in old housing',
      'Parks',
      'The committee supports the elevator subsidy plan. We need more time to discuss the report.',
      'Residents at Lake County asked about the cost.',
      'off the floor',
    ]) {
      expect(doc).toContain(part);
    }
    const motion = await textOf(clerk, testId(`minutes-motion-${motionId}`));
    expect(motion).toContain('Support the elevator plan');
    expect(motion).toContain('roll-call vote');
    expect(motion).toMatch(/For 1\b/);
    // The rule as the server words it (English consultation): passed, not passed, or no quorum.
    expect(motion).toMatch(/Passed: |Not passed: |Not valid: /);
    // Attendance per site with the absentee.
    const attendance = await textOf(clerk, testId('minutes-attendance'));
    expect(attendance).toMatch(/Lake County.*Bob.*Carol/s);
    await clerk.$eval(testId('minutes-document'), (el) => el.scrollIntoView());
    await sleep(300);
    await screenshot(clerk, 'transcript-minutes-preview-desktop');

    await press(clerk, testId('minutes-submit'));
    await clerk.waitForSelector(`${testId('minutes-status')}[data-status="submitted"]`, { timeout: 10_000 });
    expect(await clerk.$(testId('minutes-submit'))).toBeNull();
    // Submitted minutes are locked for the clerk until the moderator returns them.
    await press(clerk, testId('clerk-tab-transcript'));
    expect(await clerk.$(testId(`segment-edit-${first!.id}`))).toBeNull();
    await press(clerk, testId('clerk-tab-minutes'));

    // The moderator's 纪要 tab: engine, status, approve.
    await mod.click(testId('tab-minutes'));
    await mod.waitForSelector(`${testId('minutes-status')}[data-status="submitted"]`, { timeout: 10_000 });
    expect(await attrOf(mod, testId('engine-info'), 'data-engine')).toBe('sherpa-onnx');
    expect(await mod.$(testId('minutes-submit'))).toBeNull();
    // Sent back once: the clerk may edit again, then submits again.
    await mod.click(testId('minutes-return'));
    await clerk.waitForSelector(`${testId('minutes-status')}[data-status="draft"][data-version="1"]`, { timeout: 10_000 });
    expect(await textOf(clerk, testId('minutes-status'))).not.toMatch(/修订自|Revises/);
    await press(clerk, testId('minutes-submit'));
    await mod.waitForSelector(`${testId('minutes-status')}[data-status="submitted"]`, { timeout: 10_000 });
    await mod.click(testId('minutes-approve'));
    await mod.waitForSelector(`${testId('minutes-status')}[data-status="approved"]`, { timeout: 10_000 });
    await clerk.waitForSelector(`${testId('minutes-status')}[data-status="approved"][data-version="1"]`, { timeout: 10_000 });
    const hash = await attrOf(clerk, testId('minutes-status'), 'data-hash');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await textOf(clerk, testId('minutes-hash'))).toBe(hash);
    expect(await attrOf(mod, testId('minutes-status'), 'data-hash')).toBe(hash);
    expect(h.app.consultations.get(c.id)!.transcript.minutes).toMatchObject({ status: 'approved', hash });
    await screenshot(mod, 'transcript-moderator-approved-desktop');
    // In English: the four tabs still fit, the status reads in English.
    await mod.click(testId('lang-switch'));
    await textContains(mod, testId('minutes-status'), 'approved');
    expect(await textOf(mod, testId('tab-minutes'))).toBe('Minutes');
    await screenshot(mod, 'transcript-moderator-approved-en-desktop');
    await screenshot(clerk, 'transcript-clerk-approved-desktop');

    // The clerk downloads the approved minutes as PDF (fetched with the token, saved as a file).
    await press(clerk, testId('minutes-export-pdf'));
    let pdfFile = '';
    await until(
      () => {
        pdfFile = readdirSync(downloads).find((f) => f.endsWith('.pdf')) ?? '';
        return pdfFile !== '' && readFileSync(`${downloads}/${pdfFile}`).length > 1000;
      },
      'the PDF download',
      30_000,
    );
    expect(pdfFile).toBe(`minutes-${c.id}-v1.pdf`);
    expect(readFileSync(`${downloads}/${pdfFile}`).subarray(0, 4).toString()).toBe('%PDF');

    // The minutes on a phone: the clerk's workspace at 375 px.
    await clerk.setViewport({ width: 375, height: 740 });
    await sleep(400);
    expect(await clerk.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await clerk.$eval(testId('minutes-status'), (el) => el.scrollIntoView());
    await screenshot(clerk, 'transcript-clerk-minutes-375px');
    await press(clerk, testId('clerk-tab-transcript'));
    await sleep(200);
    // The speech with its gap marker, on the phone.
    await clerk.$eval(testId('transcript-gap'), (el) => el.scrollIntoView({ block: 'center' }));
    await sleep(200);
    await screenshot(clerk, 'transcript-clerk-375px');
    expect(await clerk.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    await Promise.all([mod, alice, observer, clerk].map((p) => p.browserContext().close()));
  });

  it('without a recogniser for the language, only the clerk is told, in one line, while the speech is on', async () => {
    const zh = await createConsultation(h.url, { ...ENGLISH, language: 'zh', title: '无识别测试' });
    const chair = await joinAs(h.url, tokenFor(zh, 'Chair'));
    const alice = await joinAs(h.url, tokenFor(zh, 'Alice'));
    const visitor = await personPage(browser, 375, 740);
    const clerk = await personPage(browser);
    await join(visitor, zh, 'Visitor');
    await join(clerk, zh, 'Clerk');
    expect(await visitor.$(testId('caption-strip'))).toBeNull();
    const { speechId } = await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: alice.snapshot.self.id });
    await clerk.waitForSelector(testId('caption-notice'), { timeout: 10_000 });
    const notice = await textOf(clerk, testId('caption-notice'));
    expect(notice).toContain('暂无识别模型');
    expect(notice).toContain('中文');
    expect(await textOf(clerk, testId('caption-strip'))).toContain('Alice');
    // One line, not a paragraph under the speaker's picture.
    const lines = await clerk.$eval(testId('caption-notice'), (el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
    expect(lines).toBeLessThan(1.5);
    await screenshot(clerk, 'transcript-captions-no-recognition-clerk');
    // A member or an observer sees the speaker's picture, not a notice.
    await visitor.waitForSelector(`${testId('floor-bar')}[data-speaker-id="${alice.snapshot.self.id}"]`, { timeout: 10_000 });
    await sleep(500);
    expect(await visitor.$(testId('caption-strip'))).toBeNull();
    await screenshot(visitor, 'transcript-captions-no-recognition-375px');
    // And the clerk's line goes with the speech.
    await ok(chair.socket, 'floor.end', { speechId });
    await clerk.waitForSelector(testId('caption-notice'), { hidden: true, timeout: 5_000 });
    chair.socket.disconnect();
    alice.socket.disconnect();
    await Promise.all([visitor, clerk].map((p) => p.browserContext().close()));
  });
});
