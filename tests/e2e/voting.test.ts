import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotCommitment, type MotionView } from '@consult/shared';
import { createConsultation, sleep, startServer, type CreatedConsultation, type Harness } from '../helpers/harness.js';
import { launchBrowser, personPage, screenshot } from '../helpers/browser.js';

// Page code is passed as strings: tsx/vitest would wrap functions with a `__name` helper the page does not have.

let h: Harness;
let c: CreatedConsultation;
let browser: Browser;
let mod: Page;
let memberA: Page;
let memberB: Page;
let observer: Page;

const person = (name: string) => c.participants.find((p) => p.name === name)!;
const linkOf = (name: string) => h.url + person(name).joinUrl;
const testId = (id: string) => `[data-testid="${id}"]`;
const textOf = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');

async function join(page: Page, name: string): Promise<void> {
  await page.goto(linkOf(name));
  await page.waitForSelector('[data-testid="join-button"]:not([disabled])', { timeout: 20_000 });
  await page.click('[data-testid="join-button"]');
  await page.waitForSelector('[data-testid="floor-bar"]', { timeout: 20_000 });
}

beforeAll(async () => {
  h = await startServer();
  if (!existsSync(`${h.config.clientDir}/index.html`)) throw new Error('client is not built: run npm run build first');
  c = await createConsultation(h.url);
  browser = await launchBrowser();
  mod = await personPage(browser);
  memberA = await personPage(browser);
  memberB = await personPage(browser, 375, 740);
  observer = await personPage(browser, 375, 740);
  await join(mod, '主持人');
  await join(memberA, '委员甲');
  await join(memberB, '委员乙');
  await join(observer, '观众');
  // The moderator works in the 表决 tab of the side panel.
  await mod.click(testId('tab-voting'));
  await mod.waitForSelector(testId('motion-panel'), { visible: true });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** The id of the motion with this title, once the page knows it. */
async function motionIdOf(page: Page, title: string): Promise<string> {
  const expression = `Object.values(window.__consultation.state().voting.motions).find((m) => m.definition.title === ${JSON.stringify(title)})?.definition.id ?? null`;
  await page.waitForFunction(expression, { timeout: 10_000 });
  return (await page.evaluate(expression)) as string;
}

const motionOf = (page: Page, id: string) =>
  page.evaluate(`window.__consultation.state().voting.motions[${JSON.stringify(id)}]`) as Promise<MotionView | undefined>;

/** The moderator fills in the create form (decision unless options are given) and saves the draft. */
async function createInUi(
  title: string,
  options: { text?: string; ballot: 'named' | 'secret'; majority: string; election?: string[]; maxChoices?: number; timeLimitS?: number; shot?: string },
): Promise<string> {
  await mod.type(testId('motion-create-title'), title);
  if (options.text) await mod.type(testId('motion-create-text'), options.text);
  if (options.election) {
    await mod.click(testId('motion-create-kind-election'));
    for (const [index, label] of options.election.entries()) {
      if (index >= 2) await mod.click(testId('motion-create-option-add'));
      await mod.type(testId(`motion-create-option-${index}`), label);
    }
    if (options.maxChoices) await mod.select(testId('motion-create-max'), String(options.maxChoices));
  }
  await mod.select(testId('motion-create-ballot'), options.ballot);
  await mod.select(testId('motion-create-majority'), options.majority);
  if (options.timeLimitS) {
    await mod.select(testId('motion-create-time'), 'custom');
    await mod.$eval(testId('motion-create-time-custom'), (el) => (el as HTMLInputElement).select());
    await mod.type(testId('motion-create-time-custom'), String(options.timeLimitS));
  }
  if (options.shot) {
    await mod.$eval(testId('motion-create'), (el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(mod, options.shot);
    await mod.$eval(testId('motion-create-quorum'), (el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(mod, `${options.shot}-settings`);
  }
  await mod.click(testId('motion-create-submit'));
  const id = await motionIdOf(mod, title);
  await mod.waitForSelector(testId(`motion-open-${id}`));
  return id;
}

/** A member picks options on their vote card and submits; waits for "recorded". */
async function voteInUi(page: Page, motionId: string, choices: string[], wait: 'recorded' | 'sealing' = 'recorded'): Promise<void> {
  await page.waitForSelector(`${testId('vote-card')}[data-motion-id="${motionId}"]`, { timeout: 10_000 });
  for (const choice of choices) await page.click(testId(`vote-option-${choice}`));
  await page.click(testId('vote-submit'));
  await page.waitForSelector(testId(wait === 'recorded' ? 'vote-recorded' : 'vote-sealing'), { timeout: 10_000 });
}

describe('voting in Chromium', () => {
  it('named ballot: the moderator creates and opens it, both members vote, turnout and roll call live, everyone sees the result in words', async () => {
    const title = '关于加装电梯补贴的建议案';
    const id = await createInUi(title, { text: '建议对老旧小区加装电梯给予每台 10 万元补贴。', ballot: 'named', majority: 'absolute' });
    expect(await motionOf(mod, id)).toMatchObject({ status: 'draft', definition: { kind: 'decision', ballot: 'named', majority: 'absolute' } });
    await mod.click(testId(`motion-open-${id}`));

    // Both members get the card with the motion; the observer sees it running but no ballot.
    for (const page of [memberA, memberB]) {
      await page.waitForSelector(`${testId('vote-card')}[data-motion-id="${id}"]`, { timeout: 10_000 });
      const card = await textOf(page, testId('vote-card'));
      for (const part of [title, '赞成', '反对', '弃权', '记名投票']) expect(card).toContain(part);
    }
    await observer.waitForSelector(`${testId('vote-live')}[data-motion-id="${id}"]`, { timeout: 10_000 });
    expect(await observer.$(testId('vote-card'))).toBeNull();
    await mod.waitForSelector(`${testId(`motion-turnout-${id}`)}[data-voted="0"][data-eligible="2"]`, { timeout: 10_000 });
    await screenshot(memberB, 'vote-member-card-375px');

    // 委员甲 votes for; 委员乙 abstains, then changes the vote to for.
    await voteInUi(memberA, id, ['for']);
    expect(await textOf(memberA, testId('vote-recorded'))).toContain('已记录');
    expect(await textOf(memberA, testId('vote-recorded'))).toContain('赞成');
    await screenshot(memberA, 'vote-member-recorded-desktop');

    // 结束表决 asks first, naming who has not voted; Escape takes the question back and the vote stays open.
    await mod.waitForSelector(`${testId(`motion-turnout-${id}`)}[data-voted="1"]`, { timeout: 10_000 });
    await mod.click(testId(`motion-close-${id}`));
    await mod.waitForSelector(testId(`motion-close-confirm-${id}`));
    expect(await textOf(mod, testId(`motion-close-confirm-${id}`))).toContain('已投票 1 / 2 人，还有 1 人未投票');
    expect(await mod.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`motion-close-yes-${id}`);
    await screenshot(mod, 'vote-moderator-close-question-desktop');
    await mod.keyboard.press('Escape');
    await mod.waitForSelector(testId(`motion-close-${id}`));
    expect(await mod.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`motion-close-${id}`);
    expect((await motionOf(mod, id))?.status).toBe('open');
    await voteInUi(memberB, id, ['abstain']);
    expect(await textOf(memberB, testId('vote-recorded'))).toContain('弃权');
    await mod.waitForSelector(`${testId(`named-choices-${id}`)} tr[data-participant-id="${person('委员乙').id}"][data-choices="abstain"]`, { timeout: 10_000 });
    await memberB.click(testId('vote-change'));
    await memberB.click(testId('vote-option-for'));
    await memberB.click(testId('vote-submit'));
    await memberB.waitForFunction(`document.querySelector('[data-testid="vote-recorded"]')?.textContent.includes('赞成')`, { timeout: 10_000 });
    await screenshot(memberB, 'vote-member-recorded-375px');

    // The moderator sees 2 of 2 and who voted how, by name.
    await mod.waitForSelector(`${testId(`motion-turnout-${id}`)}[data-voted="2"][data-eligible="2"]`, { timeout: 10_000 });
    const roll = testId(`named-choices-${id}`);
    for (const name of ['委员甲', '委员乙']) {
      await mod.waitForSelector(`${roll} tr[data-participant-id="${person(name).id}"][data-choices="for"]`, { timeout: 10_000 });
    }
    const rollText = await textOf(mod, roll);
    expect(rollText).toContain('委员甲');
    expect(rollText).toContain('委员乙');
    expect(rollText).toContain('赞成');
    await observer.waitForFunction(`document.querySelector('[data-testid="vote-live"]')?.textContent.includes('已投票 2 / 2 人')`, { timeout: 10_000 });
    await screenshot(mod, 'vote-moderator-named-desktop');

    // The close (confirmed by keyboard: the question takes the focus) carries the result to everyone, with the rule spelled out.
    await mod.click(testId(`motion-close-${id}`));
    await mod.waitForSelector(testId(`motion-close-confirm-${id}`));
    expect(await textOf(mod, testId(`motion-close-confirm-${id}`))).toContain('已投票 2 / 2 人，全部已投');
    await mod.keyboard.press('Enter');
    const sentence = '通过：赞成 2 票，超过应到委员半数 2 票';
    for (const page of [mod, memberA, memberB, observer]) {
      await page.waitForSelector(`${testId(`motion-result-${id}`)}[data-passed="true"]`, { timeout: 10_000 });
      expect(await textOf(page, `${testId(`motion-result-${id}`)} ${testId('motion-result-sentence')}`)).toBe(sentence);
      const result = await textOf(page, testId(`motion-result-${id}`));
      expect(result).toContain('出席 2 人，应到 2 人，法定人数 2 人：已达到');
      expect(result).toContain('应到委员 2 人');
    }
    expect(await memberA.$(testId('vote-card'))).toBeNull();
    expect((await motionOf(observer, id))?.result).toMatchObject({ counts: { for: 2, against: 0, abstain: 0 }, passed: true });
    // The moderator keeps the final roll call with the result in the panel.
    await mod.waitForSelector(`${testId(`motion-item-${id}`)}[data-status="closed"] ${testId(`named-choices-${id}`)}`);
    // The room never scrolls as a whole (only the stage and the side panel do).
    expect(await mod.evaluate('document.scrollingElement.scrollHeight <= window.innerHeight')).toBe(true);
    await screenshot(mod, 'vote-moderator-result-desktop');
    await screenshot(memberA, 'vote-result-desktop');
    await screenshot(observer, 'vote-result-observer-375px');

    // The observer's 表决 tab lists it too.
    await observer.click(testId('floor-panel-toggle'));
    await observer.waitForSelector('#side-panel.side--open');
    // Wait for the drawer's slide-in to end, so the click lands on the tab and not the scrim.
    await observer.waitForFunction(`getComputedStyle(document.querySelector('#side-panel')).transform === 'none'`);
    await observer.click(testId('tab-voting'));
    await observer.waitForSelector(`${testId(`motion-item-${id}`)}[data-status="closed"]`, { visible: true });
    expect(await textOf(observer, testId(`motion-item-${id}`))).toContain(sentence);
    await sleep(300);
    await screenshot(observer, 'vote-observer-list-375px');
    await observer.keyboard.press('Escape');
  });

  it('secret ballot: no receipt code, a change of vote on the same device (even while it waits to be sealed), each device checks its last ballot after the close and forgets it', async () => {
    const title = '关于设立社区议事厅的提案';
    const id = await createInUi(title, { ballot: 'secret', majority: 'simple' });
    await mod.click(testId(`motion-open-${id}`));
    const stored = async (page: Page, name: string) => {
      const key = `consult.ballot.${c.id}.${id}.${person(name).id}`;
      return JSON.parse((await page.evaluate(`window.localStorage.getItem(${JSON.stringify(key)})`)) as string) as {
        secret: string | null;
        pending: { choices: string[]; nonce: string } | null;
        recorded: { choices: string[]; nonce: string } | null;
        verified: boolean;
      };
    };

    // 委员甲 votes against (say, under someone's eyes); the ballot waits to be sealed with the others', and says so.
    await voteInUi(memberA, id, ['against'], 'sealing');
    expect(await textOf(memberA, testId('vote-sealing'))).toContain('密封');
    await screenshot(memberA, 'vote-member-sealing-desktop');
    const shownA = (await stored(memberA, '委员甲')).pending!;
    expect(shownA).toMatchObject({ choices: ['against'], nonce: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // While it waits, 甲 changes to for: same device, a new ballot that overrides the first.
    await memberA.click(testId('vote-option-for'));
    await memberA.waitForFunction(`document.querySelector('[data-testid="vote-submit"]')?.getAttribute('aria-disabled') === 'false'`, { timeout: 5000 });
    await memberA.click(testId('vote-submit'));
    await memberA.waitForFunction(
      `JSON.parse(localStorage.getItem(${JSON.stringify(`consult.ballot.${c.id}.${id}.${person('委员甲').id}`)}))?.pending?.choices?.[0] === 'for'`,
      { timeout: 5000 },
    );
    await voteInUi(memberB, id, ['for']);
    await memberA.waitForFunction(`document.querySelector('[data-testid="vote-recorded"]')?.textContent.includes('赞成')`, { timeout: 10_000 });

    // No receipt code anywhere: only the hint that the last vote counts and the device checks it.
    for (const page of [memberA, memberB]) {
      expect(await page.$(testId('vote-receipt'))).toBeNull();
      const card = await textOf(page, testId('vote-card'));
      expect(card).not.toContain('回执码');
      expect(await textOf(page, testId('vote-secret-hint'))).toContain('只计最后一次');
    }
    // The device keeps the ballot secret and the last ballot's nonce, keyed by consultation, motion and participant.
    const firstB = await stored(memberB, '委员乙');
    expect(firstB.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(firstB.recorded).toMatchObject({ choices: ['for'], nonce: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await screenshot(memberB, 'vote-member-secret-recorded-375px');

    // 委员乙 changes to against after the seal: same device, same secret, a new nonce.
    await memberB.click(testId('vote-change'));
    await memberB.click(testId('vote-option-against'));
    await memberB.click(testId('vote-submit'));
    await memberB.waitForFunction(`document.querySelector('[data-testid="vote-recorded"]')?.textContent.includes('反对')`, { timeout: 10_000 });
    const lastB = await stored(memberB, '委员乙');
    expect(lastB.secret).toBe(firstB.secret);
    expect(lastB.recorded).toMatchObject({ choices: ['against'] });
    expect(lastB.recorded!.nonce).not.toBe(firstB.recorded!.nonce);

    // After a reload, this device still shows its last ballot as recorded.
    await memberA.reload();
    await memberA.waitForSelector(testId('join-button') + ':not([disabled])', { timeout: 20_000 });
    await memberA.click(testId('join-button'));
    await memberA.waitForSelector(`${testId('vote-card')}[data-motion-id="${id}"] ${testId('vote-recorded')}`, { timeout: 20_000 });
    expect(await textOf(memberA, testId('vote-recorded'))).toContain('赞成');

    // The moderator sees the turnout only: no roll call on a secret ballot.
    await mod.waitForSelector(`${testId(`motion-turnout-${id}`)}[data-voted="2"][data-eligible="2"]`, { timeout: 10_000 });
    expect(await mod.$(testId(`named-choices-${id}`))).toBeNull();
    expect(await mod.evaluate(`window.__consultation.state().voting.named[${JSON.stringify(id)}] ?? null`)).toBeNull();

    await mod.click(testId(`motion-close-${id}`));
    await mod.click(testId(`motion-close-yes-${id}`));
    // The last ballots count: 甲 for, 乙 against.
    const sentence = '未通过：赞成 1 票，未达到投票数半数以上 2 票';
    for (const page of [mod, memberA, memberB, observer]) {
      await page.waitForSelector(`${testId(`motion-result-${id}`)}[data-passed="false"]`, { timeout: 10_000 });
      expect(await textOf(page, `${testId(`motion-result-${id}`)} ${testId('motion-result-sentence')}`)).toBe(sentence);
    }
    // Each member's device finds its last ballot counted, says so without naming the choice, and forgets the ballot.
    for (const [page, name] of [
      [memberA, '委员甲'],
      [memberB, '委员乙'],
    ] as const) {
      await page.waitForSelector(`${testId('ballot-verified')}[data-check="counted"]`, { timeout: 10_000 });
      const text = await textOf(page, testId('ballot-verified'));
      expect(text).toContain('已核对');
      for (const choice of ['赞成', '反对']) expect(text).not.toContain(choice);
      await page.waitForFunction(`window.__consultation.voting().openings[${JSON.stringify(id)}] === undefined`, { timeout: 5000 });
      expect(await stored(page, name)).toEqual({ secret: null, pending: null, recorded: null, verified: true });
      expect(await page.evaluate(`window.__consultation.voting().mine[${JSON.stringify(id)}].choices`)).toBeNull();
    }
    // The published list holds the overridden ballots just like the counted ones: the opening of the
    // ballot 甲 cast first, or of 乙's first, shows only that it was cast, never that it counted.
    const commitments = (await memberA.evaluate(`window.__consultation.voting().published[${JSON.stringify(id)}].published.commitments`)) as string[];
    for (const opening of [shownA, firstB.recorded!, lastB.recorded!]) expect(commitments).toContain(ballotCommitment(id, opening.nonce, opening.choices));
    expect(commitments.length).toBeGreaterThanOrEqual(4);
    expect(commitments).toEqual([...commitments].sort());
    // Nobody else is shown a check.
    expect(await observer.$(testId('ballot-verified'))).toBeNull();
    expect(await mod.$(testId('ballot-verified'))).toBeNull();
    await screenshot(memberB, 'vote-ballot-verified-375px');
    await screenshot(memberA, 'vote-ballot-verified-desktop');
  });

  it('election, choose up to two, opened by keyboard, closes by itself at its time limit; the result reads in English too', async () => {
    const title = '推选专题调研组召集人';
    const id = await createInUi(title, {
      ballot: 'named',
      majority: 'simple',
      election: ['张三', '李四', '王五'],
      maxChoices: 2,
      timeLimitS: 12,
      shot: 'vote-moderator-create-desktop',
    });
    expect(await motionOf(mod, id)).toMatchObject({
      definition: { kind: 'election', maxChoices: 2, timeLimitMs: 12_000, options: [{ label: '张三' }, { label: '李四' }, { label: '王五' }] },
    });

    // Keyboard: focus the open button and press Enter; focus lands on the motion's heading.
    await mod.focus(testId(`motion-open-${id}`));
    await mod.keyboard.press('Enter');
    await mod.waitForSelector(`${testId(`motion-item-${id}`)}[data-status="open"]`, { timeout: 10_000 });
    await mod.waitForFunction(`document.activeElement?.matches('[data-testid="motion-item-${id}"] h4') === true`, { timeout: 5000 });

    // Up to two: the third box is disabled once two are ticked.
    await memberA.waitForSelector(`${testId('vote-card')}[data-motion-id="${id}"]`, { timeout: 10_000 });
    await memberA.waitForSelector(testId('vote-countdown'));
    expect(await textOf(memberA, testId('vote-countdown'))).toMatch(/剩余 0:1\d|剩余 0:0\d/);
    await memberA.click(testId('vote-option-o1'));
    await memberA.click(testId('vote-option-o2'));
    expect(await memberA.$eval(testId('vote-option-o3'), (el) => (el as HTMLInputElement).disabled)).toBe(true);
    await screenshot(memberA, 'vote-election-card-desktop');
    await memberA.click(testId('vote-submit'));
    await memberA.waitForSelector(testId('vote-recorded'), { timeout: 10_000 });
    expect(await textOf(memberA, testId('vote-recorded'))).toContain('张三、李四');
    await voteInUi(memberB, id, ['o1']);
    await screenshot(memberB, 'vote-election-recorded-375px');

    // Nobody closes it: the server does at closesAt.
    const sentence = '当选：张三（2 票）';
    for (const page of [mod, memberA, memberB, observer]) {
      await page.waitForSelector(`${testId(`motion-result-${id}`)}[data-passed="true"]`, { timeout: 20_000 });
      expect(await textOf(page, `${testId(`motion-result-${id}`)} ${testId('motion-result-sentence')}`)).toBe(sentence);
    }
    const closed = await motionOf(mod, id);
    expect(closed?.closedAt).toBeGreaterThanOrEqual(closed!.closesAt!);
    expect(await textOf(observer, testId(`motion-result-${id}`))).toContain('当选须达到投票数半数以上 2 票');

    // The same result in English.
    await observer.click(testId('lang-switch'));
    await observer.waitForFunction(`document.querySelector('[data-testid="motion-result-sentence"]')?.textContent === 'Elected: 张三 (2 votes)'`, {
      timeout: 5000,
    });
    expect(await textOf(observer, testId(`motion-result-${id}`))).toContain('To be elected an option needs more than half of the votes cast (2)');
    await screenshot(observer, 'vote-result-en-375px');
    await observer.click(testId('lang-switch'));

    // The result can be closed by hand.
    await memberA.click(testId('motion-result-dismiss'));
    await memberA.waitForFunction(`document.querySelector('[data-testid="motion-result-${id}"]') === null`, { timeout: 5000 });
  });
});
