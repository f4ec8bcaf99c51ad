import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorView, IngestView, SiteOverview, StreamView } from '@consult/shared';
import { createConsultation, joinAs, ok, sleep, startServer, tokenOf, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { launchBrowser, personPage, screenshot, transportStats } from '../helpers/browser.js';
import { pushTestPattern } from '../helpers/encoder.js';

// Page code is passed as strings: tsx/vitest would wrap functions with a `__name` helper the page does not have.

let h: Harness;
let c: CreatedConsultation;
let browser: Browser;
let mod: Page;
let member: Page;
let studio: Page;
let watch: Page;
let encoder: ReturnType<typeof pushTestPattern> | undefined;
let ingest: IngestView;

const person = (name: string) => c.participants.find((p) => p.name === name)!;
const linkOf = (name: string) => h.url + person(name).joinUrl;
const testId = (id: string) => `[data-testid="${id}"]`;
const textOf = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');
const attrOf = (page: Page, selector: string, name: string) => page.$eval(selector, (el, n) => el.getAttribute(n), name);
const stateOf = <T>(page: Page, path: string) => page.evaluate(`window.__consultation.state().${path}`) as Promise<T>;

async function join(page: Page, name: string, options: { cameraOff?: boolean; ready?: string } = {}): Promise<void> {
  await page.goto(linkOf(name));
  await page.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
  if (options.cameraOff) {
    await page.click(testId('prejoin-cam'));
    await page.waitForSelector(`${testId('prejoin-cam')}[aria-pressed="false"]`);
  }
  await page.click('[data-testid="join-button"]');
  await page.waitForSelector(options.ready ?? testId('floor-bar'), { timeout: 20_000 });
  await page.waitForFunction('window.__consultation.floor() !== null', { timeout: 10_000 });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Frames decoded so far by the <video> inside an element (its own playback counter). */
const framesIn = (page: Page, selector: string) =>
  page.evaluate(
    `(() => { const v = document.querySelector(${JSON.stringify(`${selector} video`)}); return v ? v.getVideoPlaybackQuality().totalVideoFrames : -1; })()`,
  ) as Promise<number>;

/** H.264 video this page receives (the studio feed; cameras are VP8): frames decoded, through the client's stats hook. */
async function h264FramesDecoded(page: Page): Promise<number> {
  const stats = (await transportStats(page)) as unknown as {
    recv: { type: string; id: string; kind?: string; codecId?: string; mimeType?: string; framesDecoded?: number }[];
  };
  const h264 = new Set(stats.recv.filter((s) => s.type === 'codec' && s.mimeType?.toLowerCase() === 'video/h264').map((s) => s.id));
  return stats.recv
    .filter((s) => s.type === 'inbound-rtp' && s.kind === 'video' && s.codecId && h264.has(s.codecId))
    .reduce((n, s) => n + (s.framesDecoded ?? 0), 0);
}

/** Share of a <video>'s current picture that is plainly green (Chromium's fake camera is; ffmpeg's test card is not). */
const greenShare = (page: Page, selector: string) =>
  page.evaluate(`(() => {
    const video = document.querySelector(${JSON.stringify(selector)});
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 90;
    const context = canvas.getContext('2d');
    context.drawImage(video, 0, 0, 160, 90);
    const data = context.getImageData(0, 0, 160, 90).data;
    let green = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 1] > 1.6 * data[i] + 20 && data[i + 1] > 1.6 * data[i + 2] + 20) green++;
    return green / (data.length / 4);
  })()`) as Promise<number>;

beforeAll(async () => {
  h = await startServer({ env: { INGEST_PORT_MIN: '0', INGEST_HOST: '127.0.0.1' } });
  if (!existsSync(`${h.config.clientDir}/index.html`)) throw new Error('client is not built: run npm run build first');
  c = await createConsultation(h.url);
  browser = await launchBrowser();
  mod = await personPage(browser, 1280, 800);
  member = await personPage(browser, 1280, 800);
  studio = await personPage(browser, 1920, 1080);
  await join(mod, '主持人');
  await join(member, '委员甲');
  // The venue joins with its camera off: before air, nothing of the studio is to be seen.
  await join(studio, '工作室', { cameraOff: true, ready: testId('studio-page') });
  await mod.click(testId('tab-sites'));
  await mod.waitForSelector(testId('sites-overview'), { visible: true });
});
afterAll(async () => {
  encoder?.process.kill('SIGKILL');
  await browser?.close();
  await h?.close();
});

describe('studios in Chromium: cue before air, the studio page, the sites overview, the public stream', () => {
  it('the moderator creates an ingest point, previews the feed alone, and puts it on air for everyone', async () => {
    const studioId = person('工作室').id;

    // Create the push address for the studio from the 会场 tab.
    await mod.waitForSelector(testId('ingest-create-studio'));
    await mod.select(testId('ingest-create-studio'), studioId);
    await mod.click(testId('ingest-create'));
    await mod.waitForFunction('Object.keys(window.__consultation.state().studios.ingests).length === 1', { timeout: 10_000 });
    ingest = Object.values(await stateOf<Record<string, IngestView>>(mod, 'studios.ingests'))[0]!;
    const card = testId(`ingest-${ingest.ingestId}`);
    await mod.waitForSelector(`${card}[data-status="waiting"][data-on-air="false"]`);
    expect(await textOf(mod, testId(`ingest-url-${ingest.ingestId}`))).toBe(ingest.url);
    expect(ingest.url).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    // Beside it, WHIP: the endpoint on this server, and the same key as bearer token (masked too).
    expect(await textOf(mod, testId(`ingest-whip-url-${ingest.ingestId}`))).toBe(`${h.url}/whip/${ingest.ingestId}`);
    expect(await attrOf(mod, testId(`ingest-whip-token-${ingest.ingestId}`), 'data-masked')).toBe('true');
    // The key is masked until revealed.
    const key = testId(`ingest-key-${ingest.ingestId}`);
    expect(await attrOf(mod, key, 'data-masked')).toBe('true');
    expect(await textOf(mod, key)).not.toContain(ingest.key);
    await mod.click(testId(`ingest-key-${ingest.ingestId}-reveal`));
    await mod.waitForSelector(`${key}[data-masked="false"]`);
    expect(await textOf(mod, key)).toBe(ingest.key);
    expect(await textOf(mod, card)).toContain('等待信号');

    // The encoder pushes: live, previewed by the moderator only.
    encoder = pushTestPattern(`${ingest.url}/${ingest.key}`, 240);
    await mod.waitForSelector(`${card}[data-status="live"][data-on-air="false"]`, { timeout: 20_000 });
    expect(await textOf(mod, testId(`ingest-status-${ingest.ingestId}`))).toContain('信号正常');
    const preview = testId(`ingest-preview-${ingest.ingestId}`);
    await mod.waitForSelector(`${preview}[data-has-video="true"]`, { timeout: 20_000 });
    await until(async () => (await framesIn(mod, preview)) > 10, 'the preview to decode frames', 15_000);
    expect(await h264FramesDecoded(mod)).toBeGreaterThan(0);
    await mod.$eval(card, (el) => el.scrollIntoView({ block: 'start' }));
    await sleep(300);
    await screenshot(mod, 'studios-ingest-preview-desktop');

    // Meanwhile the member has nothing of the feed: no consumer, no picture on the studio's tile.
    const tile = testId(`tile-${studioId}`);
    await member.waitForSelector(tile);
    expect(await attrOf(member, tile, 'data-has-video')).toBe('false');
    expect(await stateOf<string | undefined>(member, `consumerIds[${JSON.stringify(studioId)}]?.['ingest-video']`)).toBeUndefined();
    expect(await h264FramesDecoded(member)).toBe(0);

    // On air, from the moderator's UI.
    await mod.click(testId(`ingest-onair-${ingest.ingestId}`));
    await mod.waitForSelector(`${card}[data-on-air="true"]`, { timeout: 10_000 });
    expect(await mod.$(preview)).toBeNull();
    expect(await textOf(mod, testId(`ingest-onair-${ingest.ingestId}`))).toContain('下播');

    // The member's Chromium receives and decodes the feed and shows it as the studio's picture.
    await until(async () => (await h264FramesDecoded(member)) > 10, 'the member to decode the studio feed', 20_000);
    await member.waitForSelector(`${tile}[data-has-video="true"][data-video-source="ingest-video"]`, { timeout: 15_000 });
    await until(async () => (await framesIn(member, tile)) > 5, 'the studio tile to play the feed', 10_000);
    // The moderator's own tile of the studio now shows the feed too.
    await mod.waitForSelector(`${tile}[data-video-source="ingest-video"][data-has-video="true"]`, { timeout: 10_000 });

    // The venue turns its camera on: the feed stays its picture for the others.
    await studio.click(testId('cam-toggle'));
    await studio.waitForSelector(`${testId('self-preview')}[data-has-video="true"]`, { timeout: 10_000 });
    await studio.waitForSelector(testId('studio-feed-on-air'), { timeout: 10_000 });
    // The feed carries the venue's sound: the operator is told the PC's microphone is not forwarded meanwhile.
    expect(await textOf(studio, testId('studio-mic-replaced'))).toContain('本机麦克风不再转发');
    await sleep(1000);
    expect(await attrOf(member, tile, 'data-video-source')).toBe('ingest-video');
  });

  it('the studio page: the consultation large, the venue small, the floor for the venue, attendees the moderator sees', async () => {
    const studioId = person('工作室').id;
    await studio.waitForSelector(testId('studio-page'));
    // The studio layout: no side panel of the member's room, its own controls instead.
    expect(await studio.$('#side-panel')).toBeNull();
    for (const id of ['active-speaker', 'self-preview', 'studio-request-floor', 'studio-attendees-input', 'floor-bar'])
      expect(await studio.$(testId(id))).not.toBeNull();

    // The operator enters who is present: the add button, then Enter.
    await studio.type(testId('studio-attendees-input'), '居民代表 王某');
    await studio.click(testId('studio-attendees-add'));
    await studio.type(testId('studio-attendees-input'), '社区书记 李某');
    await studio.keyboard.press('Enter');
    await studio.type(testId('studio-attendees-input'), '企业代表 赵某');
    await studio.click(testId('studio-attendees-add'));
    await studio.waitForFunction(`document.querySelectorAll('${testId('studio-attendees-list')} li').length === 3`, { timeout: 10_000 });
    await studio.waitForSelector(`${testId('studio-attendees-status')}[data-state="saved"]`, { timeout: 10_000 });
    // A duplicate is refused on the spot; removing one saves the shorter list.
    await studio.type(testId('studio-attendees-input'), '企业代表 赵某');
    await studio.keyboard.press('Enter');
    await studio.waitForSelector('[role="alert"]');
    await studio.click(`${testId('studio-attendees-list')} li:nth-child(3) button`);
    await studio.waitForFunction(`document.querySelectorAll('${testId('studio-attendees-list')} li').length === 2`, { timeout: 10_000 });
    await until(
      async () => (await stateOf<string[] | undefined>(studio, `studios.attendees[${JSON.stringify(studioId)}]`))?.length === 2,
      'the list to be saved',
    );

    // The moderator's sites overview shows them with the studio (polled every 3 s).
    const row = testId(`site-participant-${studioId}`);
    await mod.waitForFunction(`((t) => t.includes('社区书记 李某') && !t.includes('赵某'))(document.querySelector('${row}')?.textContent ?? '')`, {
      timeout: 10_000,
    });
    const rowText = await textOf(mod, row);
    expect(rowText).toContain('居民代表 王某');
    expect(rowText).not.toContain('企业代表 赵某');
    // And everyone sees them with the studio's name: its tile and the participant list.
    await member.waitForFunction(`document.querySelector('${testId(`attendees-${studioId}`)}')?.textContent.includes('王某')`, { timeout: 10_000 });

    // The venue requests the floor as a unit; the moderator gives it from the floor tab.
    await studio.click(testId('studio-request-floor'));
    await studio.waitForSelector(`${testId('studio-floor')}[data-state="queued"][data-position="1"]`, { timeout: 10_000 });
    await mod.waitForFunction(`window.__consultation.floor().queue.some((e) => e.participantId === ${JSON.stringify(studioId)})`, { timeout: 10_000 });
    const entry = ((await mod.evaluate('window.__consultation.floor()')) as FloorView).queue.find((e) => e.participantId === studioId)!;
    await mod.click(testId('tab-floor'));
    await mod.click(testId(`grant-entry-${entry.id}`));
    await studio.waitForSelector(`${testId('studio-floor')}[data-state="speaking"]`, { timeout: 10_000 });
    await member.waitForSelector(`${testId('active-speaker')}[data-participant-id="${studioId}"]`, { timeout: 10_000 });
    await member.waitForSelector(`${testId(`tile-${studioId}`)}[data-video-source="ingest-video"][data-has-video="true"]`, { timeout: 10_000 });
    await mod.click(testId('tab-sites'));
    await mod.waitForSelector(testId('sites-overview'), { visible: true });

    // The venue's screen: the moderator large (the venue itself speaks), its own picture small.
    await sleep(1500);
    await screenshot(studio, 'studios-studio-page-1080p');
    await studio.setViewport({ width: 1280, height: 720 });
    await sleep(800);
    await screenshot(studio, 'studios-studio-page-720p');
    const fits = await studio.evaluate(
      `(() => { const r = document.querySelector('${testId('studio-request-floor')}, ${testId('studio-floor')}').getBoundingClientRect(); return r.right <= window.innerWidth && r.bottom <= window.innerHeight; })()`,
    );
    expect(fits).toBe(true);
  });

  it('the projector view for the venue’s big screen: the floor holder, the countdown, the queue and a vote’s result; Escape leaves it', async () => {
    const studioId = person('工作室').id;
    await studio.setViewport({ width: 1920, height: 1080 });
    // Someone waits in line behind the venue (which holds the floor from the test above).
    const b = await joinAs(h.url, tokenOf(person('委员乙').joinUrl));
    try {
      const { entryId } = await ok(b.socket, 'floor.request', { type: 'reply', note: '' });
      await studio.waitForSelector(testId('projector-toggle'), { visible: true });
      await studio.click(testId('projector-toggle'));
      await studio.waitForSelector(`${testId('studio-page')}[data-view="projector"]`);
      // Only what the room reads: no header, no venue controls, no controls bar.
      expect(await studio.$('.app-header')).toBeNull();
      expect(await studio.$(testId('studio-request-floor'))).toBeNull();
      expect(await studio.$eval('.controls', (el) => (el as HTMLElement).offsetParent === null)).toBe(true);
      // The venue holds the floor (from the test above): its name and the clock, large; the room sees the others.
      expect(await attrOf(studio, testId('floor-bar'), 'data-speaker-id')).toBe(studioId);
      expect(await textOf(studio, testId('floor-bar'))).toContain('工作室');
      expect(await studio.$(`${testId('active-speaker')} video`)).not.toBeNull();
      await studio.waitForFunction(
        `[...document.querySelectorAll('${testId('projector')} ${testId('floor-queue-item')}')].some((el) => el.textContent.includes('委员乙'))`,
        { timeout: 10_000 },
      );
      // Big enough to read from the back of the room.
      const queueFont = await studio.$eval(`${testId('projector')} .queue-overview__row`, (el) => parseFloat(getComputedStyle(el).fontSize));
      expect(queueFont).toBeGreaterThanOrEqual(20);
      // A vote, run from the moderator's page: its turnout while open, then its result.
      await mod.click(testId('tab-voting'));
      await mod.type(testId('motion-create-title'), '投影测试表决');
      await mod.click(testId('motion-create-submit'));
      const findMotion = `Object.values(window.__consultation.state().voting.motions).find((m) => m.definition.title === '投影测试表决')`;
      await mod.waitForFunction(`${findMotion} !== undefined`, { timeout: 10_000 });
      const motionId = (await mod.evaluate(`${findMotion}.definition.id`)) as string;
      await mod.click(testId(`motion-open-${motionId}`));
      await studio.waitForSelector(`${testId('projector')} ${testId('vote-live')}`, { timeout: 10_000 });
      await mod.click(testId(`motion-close-${motionId}`));
      await mod.click(testId(`motion-close-yes-${motionId}`));
      await studio.waitForSelector(`${testId('projector')} ${testId(`motion-result-${motionId}`)}`, { timeout: 10_000 });
      await sleep(800);
      await screenshot(studio, 'studios-projector-1080p');
      // Escape leaves the view; the venue's controls are back.
      await studio.keyboard.press('Escape');
      await studio.waitForSelector(`${testId('studio-page')}[data-view="desk"]`);
      await studio.waitForSelector(testId('studio-floor'));
      await ok(b.socket, 'floor.withdraw', { entryId });
    } finally {
      b.socket.disconnect();
      await mod.click(testId('tab-sites'));
      // 委员乙 is absent again once the reconnect grace has passed (the next test expects them absent).
      await mod.waitForSelector(`${testId(`site-participant-${person('委员乙').id}`)}[data-status="absent"]`, { timeout: 15_000 });
      if (await studio.$(`${testId('studio-page')}[data-view="projector"]`)) await studio.keyboard.press('Escape');
    }
  });

  it('the moderator’s sites overview: presence, connection quality, devices, members per site, quorum', async () => {
    const overview = testId('sites-overview');
    await mod.waitForSelector(overview, { visible: true });
    const memberId = person('委员甲').id;
    const absentId = person('委员乙').id;
    await mod.waitForSelector(`${testId(`site-participant-${memberId}`)}[data-status="online"]`, { timeout: 10_000 });
    await until(
      async () => ['good', 'fair', 'poor'].includes((await attrOf(mod, testId(`site-participant-${memberId}`), 'data-grade')) ?? ''),
      'a connection grade for the member',
    );
    const memberRow = await textOf(mod, testId(`site-participant-${memberId}`));
    expect(memberRow).toMatch(/网络(良好|一般|较差)/);
    expect(memberRow).toMatch(/上行 \d/);
    expect(memberRow).toMatch(/丢包 [\d.]+%/);
    expect(memberRow).toContain('摄像头');
    expect(await attrOf(mod, testId(`site-participant-${absentId}`), 'data-status')).toBe('absent');
    expect(await attrOf(mod, testId(`site-participant-${absentId}`), 'data-grade')).toBe('none');
    expect(await textOf(mod, testId(`site-participant-${absentId}`))).toContain('未入会');
    // One of two members present: no quorum (half of two rounds up to two).
    const quorum = (await stateOf<SiteOverview>(mod, 'studios.overview')).quorum;
    expect(await attrOf(mod, testId('quorum-line'), 'data-met')).toBe(String(quorum.met));
    expect(await textOf(mod, testId('quorum-line'))).toContain(`实到 ${quorum.membersPresent} 人`);
    for (const site of ['city', 'lake']) expect(await mod.$(testId(`site-${site}`))).not.toBeNull();
    expect(await textOf(mod, testId('site-lake'))).toContain('委员 0/1');

    await mod.$eval(overview, (el) => el.scrollIntoView({ block: 'start' }));
    await sleep(300);
    await screenshot(mod, 'studios-sites-overview-desktop');
    await mod.setViewport({ width: 375, height: 740 });
    await sleep(500);
    await mod.click(testId('floor-panel-toggle'));
    await mod.waitForSelector('#side-panel.side--open');
    // The drawer slides in (0.2 s): a click aimed at its tab mid-slide can land on the scrim behind
    // and close it, which a busy CI machine has done.
    await mod.waitForFunction(`getComputedStyle(document.querySelector('#side-panel')).transform === 'none'`);
    await mod.click(testId('tab-sites'));
    await mod.waitForSelector(overview, { visible: true });
    await sleep(400);
    await mod.$eval(overview, (el) => el.scrollIntoView({ block: 'start' }));
    await sleep(300);
    const overflow = await mod.evaluate(
      `(() => { const panel = document.querySelector('#side-panel'); return [...panel.querySelectorAll('${overview} *')].some((el) => el.getBoundingClientRect().right > window.innerWidth + 1); })()`,
    );
    expect(overflow).toBe(false);
    await screenshot(mod, 'studios-sites-overview-375px');
    // Back to the desktop layout for the stream controls.
    await mod.keyboard.press('Escape');
    await mod.setViewport({ width: 1280, height: 800 });
    await sleep(500);
  });

  it('the public stream: "直播中" for everyone, the watch page plays the studio feed, then stops', { timeout: 150_000 }, async () => {
    const studioId = person('工作室').id;
    // Before the stream: the watch page says it has not started.
    watch = await personPage(browser, 1280, 800);
    await watch.goto(`${h.url}/watch/${c.id}`);
    await watch.waitForSelector(testId('watch-page'));
    await watch.waitForSelector(testId('watch-offline'), { timeout: 10_000 });
    expect(await textOf(watch, testId('watch-offline'))).toContain('直播未开始');

    // The venue's camera goes off again: the server's composition takes the floor holder's first running video
    // producer, which is the browser camera when it runs (see the report), not the on-air feed.
    await studio.click(testId('cam-toggle'));
    await studio.waitForSelector(`${testId('cam-toggle')}[aria-pressed="false"]`, { timeout: 10_000 });

    await mod.waitForSelector(testId('stream-start'), { visible: true });
    expect(await mod.$eval(testId('stream-record'), (el) => (el as HTMLInputElement).checked)).toBe(true);
    await mod.click(testId('stream-start'));
    for (const page of [mod, member, studio]) await page.waitForSelector(testId('stream-live'), { timeout: 15_000 });
    expect(await textOf(member, testId('stream-live'))).toContain('直播中');
    const stream = await stateOf<StreamView>(mod, 'studios.stream');
    expect(stream).toMatchObject({ live: true, videoOf: studioId, watchUrl: `/watch/${c.id}` });
    expect(await textOf(mod, testId('stream-watch-url'))).toBe(`${h.url}/watch/${c.id}`);

    // The viewer's page starts by itself and plays (the picture advancing). It goes live once it sees
    // the playlist grow (polls 2–3 s apart) after ffmpeg's first segments: on a busy 2-core CI machine
    // that has taken over 30 s.
    await watch.waitForSelector(`${testId('watch-page')}[data-phase="live"]`, { timeout: 60_000 });
    await watch.waitForFunction(`document.querySelector('${testId('watch-video')}').readyState >= 2`, { timeout: 30_000 });
    const t0 = (await watch.$eval(testId('watch-video'), (el) => (el as HTMLVideoElement).currentTime)) as number;
    await until(
      async () => ((await watch.$eval(testId('watch-video'), (el) => (el as HTMLVideoElement).currentTime)) as number) > t0 + 1.5,
      'the watch page to play on',
      20_000,
    );
    // The consultation's title, without a token (GET /live/:id/info).
    await watch.waitForSelector(testId('watch-title'), { timeout: 10_000 });
    expect(await textOf(watch, testId('watch-title'))).toBe(c.title);
    expect(await watch.title()).toContain(c.title);
    const quality = (await watch.evaluate(`document.querySelector('${testId('watch-video')}').getVideoPlaybackQuality().totalVideoFrames`)) as number;
    expect(quality).toBeGreaterThan(10);
    expect(await watch.$eval(testId('watch-video'), (el) => (el as HTMLVideoElement).videoWidth)).toBe(1280);
    // It is the studio's RTMP feed (ffmpeg's colour test card), not a camera (Chromium's fake camera is all green).
    expect(await greenShare(watch, testId('watch-video'))).toBeLessThan(0.5);
    await screenshot(watch, 'studios-watch-desktop');
    await watch.setViewport({ width: 375, height: 740 });
    await sleep(800);
    expect(await watch.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(watch, 'studios-watch-375px');

    await mod.$eval(testId('stream-section'), (el) => el.scrollIntoView({ block: 'start' }));
    await sleep(300);
    await screenshot(mod, 'studios-stream-live-desktop');

    // Stop: the badge goes away for everyone.
    await mod.click(testId('stream-stop'));
    await member.waitForFunction(`document.querySelector('${testId('stream-live')}') === null`, { timeout: 15_000 });
    await mod.waitForSelector(testId('stream-start'), { visible: true, timeout: 10_000 });
    expect((await stateOf<StreamView>(member, 'studios.stream')).live).toBe(false);
  });

  it('the watch page notices the stream has stopped and waits for it again', async () => {
    await watch.waitForSelector(`${testId('watch-page')}[data-phase="interrupted"] ${testId('watch-offline')}`, { timeout: 40_000 });
    expect(await textOf(watch, testId('watch-offline'))).toContain('直播已暂停或结束');
    await screenshot(watch, 'studios-watch-ended-375px');
  }, 60_000);

  it('a studio that only sends its feed (its page closed): members still see it as the studio, the overview says the feed is live', async () => {
    const studioId = person('工作室').id;
    encoder?.process.kill('SIGKILL');
    encoder = pushTestPattern(`${ingest.url}/${ingest.key}`, 90);
    await mod.waitForSelector(`${testId(`site-participant-${studioId}`)}[data-feed="live"]`, { timeout: 20_000 });
    await studio.close();
    // Past the reconnect grace the studio has left; its feed has not.
    await member.waitForSelector(`${testId(`participant-${studioId}`)}[data-feed-only="true"]`, { timeout: 15_000 });
    const tile = testId(`tile-${studioId}`);
    await member.waitForSelector(`${tile}[data-feed-only="true"][data-video-source="ingest-video"][data-has-video="true"]`, { timeout: 15_000 });
    await until(async () => (await framesIn(member, tile)) > 5, 'the feed-only tile to play', 10_000);
    expect(await textOf(member, tile)).toContain('仅演播信号');
    const row = testId(`site-participant-${studioId}`);
    await mod.waitForSelector(`${row}[data-status="absent"][data-feed="live"]`, { timeout: 10_000 });
    const text = await textOf(mod, testId(`site-feed-${studioId}`));
    expect(text).toContain('信号正常');
    expect(text).toContain('经 RTMP');
    expect(text).toContain('经演播信号参会');
    await screenshot(member, 'studios-feed-only-tile-desktop');
  });
});
