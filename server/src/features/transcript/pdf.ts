import { existsSync } from 'node:fs';

/** Chromium binaries Debian installs; CHROMIUM_PATH overrides. */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];

/**
 * Renders HTML to PDF with headless Chromium (which uses Debian's Noto CJK fonts, so
 * Chinese renders properly). One browser per call: exports are rare, and a crashed
 * render must not take a long-lived browser down with it.
 */
export async function htmlToPdf(html: string): Promise<Buffer> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error('no Chromium found for PDF rendering (install the chromium package or set CHROMIUM_PATH)');
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
