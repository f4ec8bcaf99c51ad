import { mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));

/** Debian's Chromium, headless, with fake camera and microphone (ENVIRONMENT.md's flags). */
export async function launchBrowser(extraArgs: string[] = [], executablePath = CHROMIUM, options: { permissions?: 'accept' | 'deny' } = {}): Promise<Browser> {
  // 'deny' answers every camera and microphone prompt with 禁止, as a member who pressed it;
  // `overridePermissions` then plays the member allowing them in the site settings.
  const prompts = options.permissions === 'deny' ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream';
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      prompts,
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      // Several people share one browser here: none of their pages may be throttled as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      `--user-data-dir=${mkdtempSync(path.join(tmpdir(), 'consult-chromium-'))}`,
      ...extraArgs,
    ],
  });
}

/** A page in its own browser context (separate storage), as a separate person would be. */
export async function personPage(browser: Browser, width = 1280, height = 800): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width, height });
  page.on('pageerror', (err) => console.error('[page error]', err));
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

interface StatEntry {
  type: string;
  kind?: string;
  mimeType?: string;
  codecId?: string;
  framesDecoded?: number;
  packetsReceived?: number;
  bytesReceived?: number;
  bytesSent?: number;
  packetsSent?: number;
  totalSamplesReceived?: number;
}

/** What a page's receive and send transports report, through the client's test hook. */
export async function transportStats(page: Page): Promise<{ recv: StatEntry[]; send: StatEntry[] }> {
  return page.evaluate(async () => {
    const hook = (window as unknown as { __consultation?: { stats: () => Promise<{ recv: unknown[]; send: unknown[] }> } }).__consultation;
    if (!hook) return { recv: [], send: [] };
    return (await hook.stats()) as { recv: never[]; send: never[] };
  });
}

/** Inbound streams that carry media: mediasoup's probator stream has no codec (ENVIRONMENT.md). */
export function inbound(stats: { recv: StatEntry[] }, kind: 'audio' | 'video'): StatEntry[] {
  return stats.recv.filter((s) => s.type === 'inbound-rtp' && s.kind === kind && s.codecId);
}
