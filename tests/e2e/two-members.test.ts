import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsultation, floorOf, joinAs, ok, sleep, startServer, tokenFor, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { inbound, launchBrowser, personPage, screenshot, transportStats } from '../helpers/browser.js';
import { noWebSocketProxy } from '../helpers/proxy.js';

let h: Harness;
let c: CreatedConsultation;
let browser: Browser;

beforeAll(async () => {
  // Two workers and a small router: the members' receivers spill onto a second router, so the
  // media below also crosses pipeToRouter between two mediasoup workers.
  h = await startServer({ env: { MEDIASOUP_WORKERS: '2', MEDIA_CONSUMERS_PER_ROUTER: '2' } });
  if (!existsSync(`${h.config.clientDir}/index.html`)) throw new Error('client is not built: run npm run build first');
  c = await createConsultation(h.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const linkOf = (name: string) => h.url + c.participants.find((p) => p.name === name)!.joinUrl;

async function join(page: Page, name: string): Promise<void> {
  await page.goto(linkOf(name));
  await page.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
  await page.click('[data-testid="join-button"]');
  await page.waitForSelector('[data-testid="participant-list"]', { timeout: 20_000 });
}

/** Polls until the page decodes video frames (and, if asked, receives audio from someone). */
async function waitForMedia(page: Page, needAudio = true, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let stats = await transportStats(page);
  while (Date.now() < deadline) {
    stats = await transportStats(page);
    const video = inbound(stats, 'video').some((s) => (s.framesDecoded ?? 0) > 5);
    const audio = inbound(stats, 'audio').some((s) => (s.packetsReceived ?? 0) > 20);
    if (video && (audio || !needAudio)) return stats;
    await sleep(500);
  }
  return stats;
}

describe('two members and an observer in Chromium', () => {
  it('members see each other; only the floor holder is heard; the observer receives and sends nothing', async () => {
    const a = await personPage(browser);
    const b = await personPage(browser);
    const o = await personPage(browser, 375, 740);
    await join(a, '委员甲');
    await join(b, '委员乙');
    await join(o, '观众');
    // The queue owns the microphone: the chair gives 委员乙 the floor.
    const chair = await joinAs(h.url, tokenFor(c, '主持人'));
    const idB = c.participants.find((p) => p.name === '委员乙')!.id;
    await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: idB });

    const statsA = await waitForMedia(a);
    const statsB = await waitForMedia(b, false);
    expect(inbound(statsA, 'video').some((s) => (s.framesDecoded ?? 0) > 5)).toBe(true);
    expect(inbound(statsA, 'audio').some((s) => (s.packetsReceived ?? 0) > 20)).toBe(true);
    expect(inbound(statsB, 'video').some((s) => (s.framesDecoded ?? 0) > 5)).toBe(true);
    // 委员甲 has no floor: 委员乙 receives no audio from them, whatever their browser sends.
    await sleep(1000);
    const laterB = await transportStats(b);
    expect(inbound(laterB, 'audio').reduce((n, s) => n + (s.packetsReceived ?? 0), 0)).toBe(0);

    const statsO = await waitForMedia(o);
    chair.socket.disconnect();
    expect(inbound(statsO, 'video').some((s) => (s.framesDecoded ?? 0) > 5)).toBe(true);
    expect(statsO.send.filter((s) => s.type === 'outbound-rtp')).toEqual([]);
    const room = h.app.media.existingRoom(c.id)!;
    const observerId = c.participants.find((p) => p.name === '观众')!.id;
    expect(room.peers.get(observerId)?.producers.size ?? 0).toBe(0);
    // Some of those receivers were on the second worker's router.
    const routers = room.routers();
    expect(routers.length).toBe(2);
    expect(routers[1]!.receivers).toBeGreaterThan(0);
    expect(routers[1]!.piped).toBeGreaterThan(0);

    // Each member sees the other's tile with video playing.
    await a.waitForSelector(`[data-testid="tile-${idB}"][data-has-video="true"]`, { timeout: 15_000 });

    await screenshot(a, 'room-member-desktop');
    await screenshot(o, 'room-observer-375px');
    // The participant list groups people by site with their role.
    const listText = await a.$eval('[data-testid="participant-list"]', (el) => el.textContent ?? '');
    expect(listText).toContain('湖滨县');
    expect(listText).toContain('委员乙');

    // A video no tile shows is not sent: 委员乙's tiles leave 委员甲's screen (as when the grid of a
    // large consultation scrolls), and the SFU pauses that consumer; back on screen, it resumes.
    const idA = c.participants.find((p) => p.name === '委员甲')!.id;
    const camOfB = [...room.peers.get(idB)!.producers.values()].find((p) => (p.appData as { source: string }).source === 'camera')!;
    const videoOfBAtA = () => [...room.peers.get(idA)!.consumers.values()].find((x) => x.producerId === camOfB.id)!;
    expect(videoOfBAtA().paused).toBe(false);
    const away = await a.addStyleTag({ content: `[data-testid="tile-${idB}"] { position: fixed !important; top: -5000px !important; }` });
    const until = async (want: boolean) => {
      for (let i = 0; i < 40 && videoOfBAtA().paused !== want; i++) await sleep(250);
      return videoOfBAtA().paused;
    };
    expect(await until(true)).toBe(true);
    // The audio is not touched, and 委员乙's own view of 委员甲 is not either.
    expect([...room.peers.get(idA)!.consumers.values()].filter((x) => x.kind === 'audio').every((x) => !x.paused)).toBe(true);
    expect([...room.peers.get(idB)!.consumers.values()].filter((x) => x.kind === 'video').every((x) => !x.paused)).toBe(true);
    await away.evaluate((el) => el.remove());
    expect(await until(false)).toBe(false);
    const framesOf = async () => inbound(await transportStats(a), 'video').reduce((n, x) => n + (x.framesDecoded ?? 0), 0);
    const before = await framesOf();
    await sleep(1500);
    expect(await framesOf()).toBeGreaterThan(before + 5);
    await Promise.all([a, b, o].map((p) => p.browserContext().close()));
  });

  it('behind a proxy that refuses WebSockets, a member joins over long-polling, asks for the floor and sees the grant', async () => {
    const proxy = await noWebSocketProxy(h.url);
    const page = await personPage(browser);
    try {
      const name = '委员甲';
      const id = c.participants.find((p) => p.name === name)!.id;
      await page.goto(proxy.url + c.participants.find((p) => p.name === name)!.joinUrl);
      await page.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
      await page.click('[data-testid="join-button"]');
      await page.waitForSelector('[data-testid="participant-list"]', { timeout: 20_000 });
      expect(proxy.refusedUpgrades()).toBeGreaterThan(0);
      // The server holds this member's connection on the polling transport.
      const token = tokenFor(c, name);
      const transports = [...h.app.io.sockets.sockets.values()].filter((s) => s.handshake.query.token === token).map((s) => s.conn.transport.name);
      expect(transports).toEqual(['polling']);
      // Requests and broadcasts both cross: the request is queued and the chair's grant reaches the page.
      await page.click('[data-testid="floor-request-button"]');
      await page.waitForSelector('[data-testid="floor-position"]', { timeout: 10_000 });
      const chair = await joinAs(h.url, tokenFor(c, '主持人'));
      const granted = await ok(chair.socket, 'floor.grant', { expectedSpeechId: floorOf(h.app, c.id).speech?.id ?? null, participantId: id });
      await page.waitForFunction(`window.__consultation.floor()?.speech?.participantId === ${JSON.stringify(id)}`, { timeout: 10_000 });
      await ok(chair.socket, 'floor.end', { speechId: granted.speechId });
      chair.socket.disconnect();
      expect(proxy.pollingRequests()).toBeGreaterThan(3);
    } finally {
      await page.browserContext().close();
      await proxy.close();
    }
  });

  it('camera and microphone denied: the join page says how to allow them and offers a retry; in the room the camera button is off and retries', async () => {
    // A browser that refuses both (as after a member pressed 禁止).
    const refusing = await launchBrowser([], undefined, { permissions: 'deny' });
    const page = await personPage(refusing, 375, 740);
    const origin = new URL(h.url).origin;
    try {
      await page.goto(linkOf('委员乙'));
      await page.waitForSelector('[data-testid="media-error"][data-error="denied"]', { timeout: 20_000 });
      const help = await page.$eval('[data-testid="media-allow-how"]', (el) => el.textContent ?? '');
      expect(help).toContain('允许');
      expect(await page.$('[data-testid="media-retry"]')).not.toBeNull();
      expect(await page.$eval('[data-testid="prejoin-cam"]', (el) => el.getAttribute('aria-pressed'))).toBe('false');
      // Labelled in one line at 375 px (not 摄/像/头 one character per line).
      const label = await page.$eval('[data-testid="prejoin-cam"] span', (el) => el.getBoundingClientRect().height);
      expect(label).toBeLessThan(30);
      await screenshot(page, 'join-media-denied-375px');
      // A retry while still refused says so again.
      await page.click('[data-testid="media-retry"]');
      await page.waitForSelector('[data-testid="media-error"][data-error="denied"]', { timeout: 10_000 });

      await page.click('[data-testid="join-button"]');
      await page.waitForSelector('[data-testid="participant-list"]', { timeout: 20_000 });
      const cam = '[data-testid="cam-toggle"]';
      expect(await page.$eval(cam, (el) => [el.getAttribute('aria-pressed'), el.getAttribute('data-retry')])).toEqual(['false', 'true']);
      // Allowed in the browser's site settings, then the camera button: the camera goes out.
      await page
        .browserContext()
        .setPermission(origin, { permission: { name: 'camera' }, state: 'granted' }, { permission: { name: 'microphone' }, state: 'granted' });
      await page.click(cam);
      await page.waitForSelector(`${cam}[aria-pressed="true"]`, { timeout: 15_000 });
      const id = c.participants.find((p) => p.name === '委员乙')!.id;
      const room = h.app.media.existingRoom(c.id)!;
      const sources = () => [...(room.peers.get(id)?.producers.values() ?? [])].map((p) => (p.appData as { source: string }).source).sort();
      for (let i = 0; i < 40 && sources().length < 2; i++) await sleep(250);
      expect(sources()).toEqual(['camera', 'mic']);
    } finally {
      await refusing.close();
    }
  });

  it('shows a clear page for a forged link and for a missing one', async () => {
    const page = await personPage(browser, 375, 740);
    await page.goto(`${h.url}/join?token=v1.forged.link`);
    await page.waitForSelector('[data-testid="error-page"]', { timeout: 15_000 });
    expect(await page.$eval('[data-testid="error-page"]', (el) => el.getAttribute('data-code'))).toBe('TOKEN_INVALID');
    const text = await page.$eval('[data-testid="error-page"]', (el) => el.textContent ?? '');
    expect(text).toMatch(/[\u4e00-\u9fff]/); // Chinese by default
    await screenshot(page, 'error-forged-link');
    await page.goto(`${h.url}/join`);
    await page.waitForSelector('[data-testid="error-page"]', { timeout: 15_000 });
    await page.browserContext().close();
  });
});
