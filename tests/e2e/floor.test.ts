import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorView } from '@consult/shared';
import { createConsultation, joinAs, nextEvent, ok, sleep, startServer, tokenFor, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { launchBrowser, personPage, screenshot } from '../helpers/browser.js';

// Page code is passed as strings: tsx/vitest would wrap functions with a `__name` helper the page does not have.

let h: Harness;
let c: CreatedConsultation;
let browser: Browser;

beforeAll(async () => {
  h = await startServer();
  if (!existsSync(`${h.config.clientDir}/index.html`)) throw new Error('client is not built: run npm run build first');
  c = await createConsultation(h.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const person = (name: string) => c.participants.find((p) => p.name === name)!;
const linkOf = (name: string) => h.url + person(name).joinUrl;

async function join(page: Page, name: string): Promise<void> {
  await page.goto(linkOf(name));
  await page.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
  await page.click('[data-testid="join-button"]');
  await page.waitForSelector('[data-testid="floor-bar"]', { timeout: 20_000 });
  await page.waitForFunction('window.__consultation.floor() !== null', { timeout: 10_000 });
}

const floorOf = (page: Page) => page.evaluate('window.__consultation.floor()') as Promise<FloorView | null>;
const testId = (id: string) => `[data-testid="${id}"]`;
const textOf = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');
const attrOf = (page: Page, selector: string, name: string) => page.$eval(selector, (el, n) => el.getAttribute(n), name);

/** The participant's microphone producer on the SFU, once it exists. */
async function serverMic(participantId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const peer = h.app.media.existingRoom(c.id)?.peers.get(participantId);
    const mic = [...(peer?.producers.values() ?? [])].find((p) => p.kind === 'audio');
    if (mic) return mic;
    await sleep(200);
  }
  throw new Error(`no microphone producer for ${participantId}`);
}

/** The participant's current microphone producer on the SFU, if any. */
function micOf(consultationId: string, participantId: string) {
  const peer = h.app.media.existingRoom(consultationId)?.peers.get(participantId);
  return [...(peer?.producers.values() ?? [])].find((p) => p.kind === 'audio');
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the speaking queue and the floor in Chromium', () => {
  it('a member asks with a note, the moderator gives the floor, the mic follows it open and closed', async () => {
    const mod = await personPage(browser);
    const member = await personPage(browser);
    const memberId = person('委员甲').id;
    await join(mod, '主持人');
    await join(member, '委员甲');

    // Without the floor the member's microphone is published paused and cannot be opened.
    const mic = await serverMic(memberId);
    expect(mic.paused).toBe(true);
    expect(await member.evaluate('window.__consultation.state().local.micOn')).toBe(false);
    await member.waitForSelector(`${testId('mic-toggle')}[aria-disabled="true"][aria-pressed="false"]`);
    await member.click(testId('mic-toggle'));
    await sleep(500);
    expect(await attrOf(member, testId('mic-toggle'), 'aria-pressed')).toBe('false');
    expect(mic.paused).toBe(true);
    expect(await attrOf(member, testId('floor-bar'), 'data-phase')).toBe('idle');

    // The member asks for the floor: type "speech" (the default) and a note.
    expect(await member.$eval(`${testId('floor-request-type')} input[value="speech"]`, (el) => el.checked)).toBe(true);
    await member.type(testId('floor-note'), '关于加装电梯补贴的建议');
    await member.click(testId('floor-request-button'));
    await member.waitForSelector(`${testId('floor-position')}[data-position="1"]`, { timeout: 10_000 });
    expect(await textOf(member, testId('floor-position'))).toContain('1');
    await member.waitForSelector(testId('floor-withdraw'));
    expect(await textOf(member, testId('floor-panel'))).toMatch(/即将轮到您|预计等待/);
    await screenshot(member, 'floor-member-waiting-desktop');

    // The moderator sees the entry with name, site, type, note and a waiting time.
    await mod.waitForFunction('window.__consultation.floor().queue.length === 1', { timeout: 10_000 });
    const entry = (await floorOf(mod))!.queue[0]!;
    expect(entry).toMatchObject({ participantId: memberId, type: 'speech', note: '关于加装电梯补贴的建议' });
    const row = testId(`queue-entry-${entry.id}`);
    await mod.waitForSelector(row);
    expect(await attrOf(mod, row, 'data-participant-id')).toBe(memberId);
    const rowText = await textOf(mod, row);
    for (const part of ['委员甲', '市本级', '发言', '关于加装电梯补贴的建议', '已等待']) expect(rowText).toContain(part);
    await screenshot(mod, 'floor-moderator-queue-desktop');
    // The raised hand shows on the member's tile and in the participant list, with the place in line.
    await mod.waitForSelector(testId(`tile-hand-${memberId}`), { timeout: 10_000 });
    expect(await textOf(mod, testId(`tile-hand-${memberId}`))).toContain('1');
    expect(await mod.$(testId(`participant-hand-${memberId}`))).not.toBeNull();

    // The moderator gives the floor to that entry.
    await mod.click(testId(`grant-entry-${entry.id}`));
    const speaking = `${testId('floor-bar')}[data-speaker-id="${memberId}"][data-phase="normal"]`;
    await member.waitForSelector(speaking, { timeout: 10_000 });
    await mod.waitForSelector(speaking, { timeout: 10_000 });
    expect(await textOf(member, testId('floor-bar'))).toContain('委员甲');
    expect(await textOf(member, testId('floor-countdown'))).toMatch(/^(3:00|2:5\d)$/);
    await member.waitForSelector(testId('floor-done'));
    // Given the floor, the hand is down.
    expect(await mod.$(testId(`tile-hand-${memberId}`))).toBeNull();

    // The member's microphone opened by itself: in the client and on the SFU.
    await member.waitForSelector(`${testId('mic-toggle')}[aria-pressed="true"]:not([aria-disabled="true"])`, { timeout: 10_000 });
    expect(await member.evaluate('window.__consultation.state().local.micOn')).toBe(true);
    await until(() => !mic.paused, 'the member’s microphone to be resumed on the SFU');

    // The main view spotlights the floor holder on the moderator's screen.
    await mod.waitForSelector(`${testId('active-speaker')}[data-participant-id="${memberId}"]`, { timeout: 10_000 });

    // Both screens agree with the server's clock (same machine: within 250 ms of its time).
    for (const page of [mod, member]) {
      const before = Date.now();
      const estimate = (await page.evaluate('window.__consultation.serverNow()')) as number;
      const after = Date.now();
      expect(estimate).toBeGreaterThanOrEqual(before - 250);
      expect(estimate).toBeLessThanOrEqual(after + 250);
      expect(await page.evaluate('window.__consultation.state().clock.method')).toBe('sync');
    }

    // The countdown runs the same on both screens.
    await sleep(1200);
    const [onMod, onMember] = await Promise.all([textOf(mod, testId('floor-countdown')), textOf(member, testId('floor-countdown'))]);
    expect(onMod).toMatch(/^2:5\d$/);
    expect(Math.abs(Number(onMod.slice(2)) - Number(onMember.slice(2)))).toBeLessThanOrEqual(1);

    await screenshot(mod, 'floor-moderator-speech-desktop');
    await screenshot(member, 'floor-member-speaking-desktop');

    // Phone width: the bar stays legible with the countdown and "I'm done"; the floor drawer opens from the controls bar.
    await member.setViewport({ width: 375, height: 740 });
    await sleep(400);
    await screenshot(member, 'floor-member-speaking-375px');
    await mod.setViewport({ width: 375, height: 740 });
    // The sidebar turns into a drawer and slides away (200 ms): let it finish before tapping through where it was.
    await sleep(500);
    await mod.click(testId('floor-panel-toggle'));
    await mod.waitForSelector('#side-panel.side--open');
    await sleep(400);
    expect(await mod.$eval(testId('end-speech'), (el) => el.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
    await screenshot(mod, 'floor-moderator-panel-375px');

    // The moderator ends the speech from the phone layout's drawer: the member's microphone closes again.
    await mod.click(testId('end-speech'));
    await member.waitForSelector(`${testId('floor-bar')}[data-phase="idle"]`, { timeout: 10_000 });
    await member.waitForSelector(`${testId('mic-toggle')}[aria-disabled="true"][aria-pressed="false"]`, { timeout: 10_000 });
    await until(() => mic.paused, 'the member’s microphone to be paused on the SFU');
    expect(await member.evaluate('window.__consultation.state().local.micOn')).toBe(false);
    // And stays closed when the member tries the toggle.
    await member.click(testId('mic-toggle'));
    await sleep(500);
    expect(mic.paused).toBe(true);

    // The speaking record shows the speech for the member and their site.
    await mod.waitForFunction(
      `(window.__consultation.state().floorReport?.byParticipant ?? []).some((p) => p.participantId === '${memberId}' && p.count === 1)`,
      {
        timeout: 10_000,
      },
    );
    const stats = await textOf(mod, testId('floor-stats'));
    expect(stats).toContain('市本级');
    expect(stats).toContain('湖滨县');

    // The member's phone view of the request form.
    await member.click(testId('floor-panel-toggle'));
    await member.waitForSelector(testId('floor-request-button'), { visible: true });
    await sleep(400);
    await screenshot(member, 'floor-member-request-375px');
    await Promise.all([mod, member].map((p) => p.browserContext().close()));
  });

  it('the moderator reorders by keyboard, declines with a reason, gives a studio an open floor, sets limits and runs the countdown', async () => {
    const mod = await personPage(browser);
    await join(mod, '主持人');
    const b = await joinAs(h.url, tokenFor(c, '委员乙'));
    const studio = await joinAs(h.url, tokenFor(c, '工作室'));
    const idB = person('委员乙').id;
    const idStudio = person('工作室').id;
    const b1 = await ok(b.socket, 'floor.request', { type: 'speech', note: '' });
    const s1 = await ok(studio.socket, 'floor.request', { type: 'speech', note: '会场群众代表' });
    await mod.waitForSelector(testId(`queue-entry-${s1.entryId}`), { timeout: 10_000 });
    const order = async () => ((await floorOf(mod))?.queue ?? []).map((e) => e.participantId);
    expect(await order()).toEqual([idB, idStudio]);

    // Alt+ArrowDown on the focused first entry moves it down; focus stays on it.
    await mod.focus(testId(`queue-entry-${b1.entryId}`));
    await mod.keyboard.down('Alt');
    await mod.keyboard.press('ArrowDown');
    await mod.keyboard.up('Alt');
    await until(async () => (await order())[0] === idStudio, 'the keyboard reorder');
    await until(
      async () => (await mod.evaluate('document.activeElement?.dataset?.testid')) === `queue-entry-${b1.entryId}`,
      'focus to stay on the moved entry',
    );
    // The move-up button brings it back.
    await mod.click(testId(`move-up-${b1.entryId}`));
    await until(async () => (await order())[0] === idB, 'the button reorder');

    // The queue with its controls in the phone drawer.
    await mod.setViewport({ width: 375, height: 740 });
    await sleep(500);
    await mod.click(testId('floor-panel-toggle'));
    await mod.waitForSelector('#side-panel.side--open');
    await mod.$eval(testId(`queue-entry-${b1.entryId}`), (el) => el.scrollIntoView({ block: 'center' }));
    await sleep(400);
    for (const id of [`grant-entry-${s1.entryId}`, `reject-entry-${s1.entryId}`, `move-down-${b1.entryId}`]) {
      expect(await mod.$eval(testId(id), (el) => el.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
    }
    await screenshot(mod, 'floor-moderator-queue-375px');
    await mod.keyboard.press('Escape');
    await mod.setViewport({ width: 1280, height: 800 });
    await sleep(500);

    // Declining with a reason tells the member.
    const rejected = nextEvent(b.socket, 'floor.rejected', 10_000);
    await mod.click(testId(`reject-entry-${b1.entryId}`));
    await mod.type(testId(`reject-reason-${b1.entryId}`), '时间有限');
    await mod.click(testId(`reject-confirm-${b1.entryId}`));
    expect(await rejected).toEqual({ entryId: b1.entryId, reason: '时间有限' });
    await until(async () => (await order()).length === 1, 'the declined entry to leave the queue');

    // A studio given the floor directly speaks without a countdown.
    await mod.select(testId('grant-direct'), idStudio);
    await mod.click(testId('grant-direct-button'));
    await mod.waitForSelector(`${testId('floor-bar')}[data-phase="open"][data-speaker-id="${idStudio}"]`, { timeout: 10_000 });
    expect(await textOf(mod, testId('floor-bar'))).toContain('不限时');

    // Closing the queue is visible on the switch and refused to members.
    await mod.click(testId('queue-open-toggle'));
    await mod.waitForSelector(`${testId('queue-open-toggle')}[aria-checked="false"]`, { timeout: 10_000 });
    const refused = await ok(b.socket, 'floor.request', { type: 'speech', note: '' }).catch((err: Error) => err.message);
    expect(String(refused)).toContain('INVALID_STATE');
    await screenshot(mod, 'floor-moderator-studio-desktop');

    // Limits for this agenda item, typed in seconds: a 10 s speech with 5 s grace.
    await mod.click(`${testId('floor-limits')} summary`);
    await mod.click(`${testId('floor-limits')} input[value="sec"]`);
    for (const [field, value] of [
      ['speech', '10'],
      ['grace', '5'],
    ] as const) {
      await mod.$eval(testId(`limit-${field}`), (el) => (el as HTMLInputElement).select());
      await mod.type(testId(`limit-${field}`), value);
    }
    await mod.click(testId('limits-save'));
    await mod.waitForFunction('window.__consultation.floor().limits.speech === 10000 && window.__consultation.floor().limits.grace === 5000', {
      timeout: 10_000,
    });

    // Giving a member the floor while the studio speaks ends the studio's floor; 10 s is inside the warning from the start.
    await mod.select(testId('grant-direct'), idB);
    await mod.click(testId('grant-direct-button'));
    await mod.waitForSelector(`${testId('floor-bar')}[data-phase="warning"][data-speaker-id="${idB}"]`, { timeout: 10_000 });
    await screenshot(mod, 'floor-moderator-warning-desktop');

    // Pause stops the clock; resume starts it again.
    await mod.click(testId('pause-countdown'));
    await mod.waitForSelector(`${testId('floor-bar')}[data-paused="true"]`, { timeout: 10_000 });
    const frozen = await textOf(mod, testId('floor-countdown'));
    await sleep(1200);
    expect(await textOf(mod, testId('floor-countdown'))).toBe(frozen);
    await mod.click(testId('resume-countdown'));
    await mod.waitForSelector(`${testId('floor-bar')}[data-paused="false"]`, { timeout: 10_000 });

    // Red at T, with the microphone closing at T + grace.
    await mod.waitForSelector(`${testId('floor-bar')}[data-phase="overtime"]`, { timeout: 15_000 });
    expect(await textOf(mod, testId('floor-bar'))).toContain('秒后关闭麦克风');
    await screenshot(mod, 'floor-moderator-overtime-desktop');

    // +1 minute brings the speech back out of overtime.
    await mod.click(testId('extend-speech'));
    await mod.waitForSelector(`${testId('floor-bar')}[data-phase="normal"]`, { timeout: 10_000 });

    // The same screen in English.
    await mod.click(testId('lang-switch'));
    await mod.waitForSelector(testId('end-speech'));
    expect(await textOf(mod, testId('end-speech'))).toContain('End the speech');
    await screenshot(mod, 'floor-moderator-en-desktop');
    await mod.click(testId('lang-switch'));
    await mod.click(testId('end-speech'));
    await mod.waitForSelector(`${testId('floor-bar')}[data-phase="idle"]`, { timeout: 10_000 });

    b.socket.disconnect();
    studio.socket.disconnect();
    await mod.browserContext().close();
  });
  it('a grant that lands while a rejoining member’s microphone is being published opens that microphone', async () => {
    // Its own consultation: nobody else's floor in the way.
    const own = await createConsultation(h.url);
    const memberOf = (name: string) => own.participants.find((p) => p.name === name)!;
    const memberId = memberOf('委员甲').id;
    const chair = await joinAs(h.url, tokenFor(own, '主持人'));
    const member = await personPage(browser);
    const enter = async () => {
      await member.goto(h.url + memberOf('委员甲').joinUrl);
      await member.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
      await member.click('[data-testid="join-button"]');
      await member.waitForSelector('[data-testid="floor-bar"]', { timeout: 20_000 });
    };
    await enter();
    const firstMic = await until(() => micOf(own.id, memberId) !== undefined, 'the first microphone', 20_000).then(() => micOf(own.id, memberId)!);

    // The member's page reloads (a rejoin). The SFU holds its new microphone's creation until the
    // moderator's grant has reached the page: the window the outside testers hit by chance.
    const room = h.app.media.existingRoom(own.id)!;
    const produce = room.produce.bind(room);
    let arrived!: () => void;
    const producing = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    room.produce = async (participantId, request) => {
      if (participantId === memberId && request.kind === 'audio') {
        arrived();
        await released;
      }
      return produce(participantId, request);
    };
    await enter();
    await producing;
    await ok(chair.socket, 'floor.grant', { expectedSpeechId: null, participantId: memberId });
    await member.waitForSelector(`${testId('floor-bar')}[data-speaker-id="${memberId}"]`, { timeout: 10_000 });
    await sleep(300);
    release();

    // The new microphone is open on the SFU and in the page, and sound reaches the SFU.
    await until(() => {
      const mic = micOf(own.id, memberId);
      return mic !== undefined && mic.id !== firstMic.id && !mic.paused;
    }, 'the rejoined member’s microphone to be open on the SFU');
    await member.waitForSelector(`${testId('mic-toggle')}[aria-pressed="true"]`, { timeout: 10_000 });
    const mic = micOf(own.id, memberId)!;
    const bytes = async () => (await mic.getStats())[0]?.byteCount ?? 0;
    const before = await bytes();
    await sleep(1500);
    expect(await bytes()).toBeGreaterThan(before + 1000);
    room.produce = produce;
    chair.socket.disconnect();
    await member.browserContext().close();
  });
});
