// Manual look (not part of the suite): screenshots of the join page (zh, en, 375 px) and a room of 20.
import { createConsultation, joinAs, startServer, SAMPLE } from '../helpers/harness.js';
import { launchBrowser, personPage } from '../helpers/browser.js';

const h = await startServer();
const participants = [
  ...SAMPLE.participants,
  ...Array.from({ length: 16 }, (_, i) => ({ name: `委员${i + 1}号`, role: 'member' as const, siteId: i % 2 ? 'lake' : 'city' })),
];
const c = await createConsultation(h.url, { ...SAMPLE, participants });
const browser = await launchBrowser();
const link = (i: number) => h.url + c.participants[i]!.joinUrl;
const p1 = await personPage(browser, 1280, 800);
await p1.goto(link(0));
await p1.waitForSelector('[data-testid="join-button"]:not([disabled])');
await new Promise((r) => setTimeout(r, 1500));
await p1.screenshot({ path: '/tmp/look/join-zh.png' });
const p2 = await personPage(browser, 375, 740);
await p2.goto(link(1) + '&lang=en');
await p2.waitForSelector('[data-testid="join-button"]:not([disabled])');
await new Promise((r) => setTimeout(r, 1500));
await p2.screenshot({ path: '/tmp/look/join-en-375.png' });
// 14 signalling-only members, then 4 browsers
for (let i = 6; i < participants.length; i++) await joinAs(h.url, new URL(c.participants[i]!.joinUrl, 'http://x').searchParams.get('token')!);
await p1.click('[data-testid="join-button"]');
await p2.click('[data-testid="join-button"]');
const p3 = await personPage(browser, 375, 740);
await p3.goto(link(2));
await p3.waitForSelector('[data-testid="join-button"]:not([disabled])');
await p3.click('[data-testid="join-button"]');
const p4 = await personPage(browser, 1280, 800);
await p4.goto(link(3));
await p4.waitForSelector('[data-testid="join-button"]:not([disabled])');
await p4.click('[data-testid="join-button"]');
await new Promise((r) => setTimeout(r, 8000));
await p1.screenshot({ path: '/tmp/look/room-moderator-20.png' });
await p2.screenshot({ path: '/tmp/look/room-en-375.png' });
await p4.screenshot({ path: '/tmp/look/room-studio.png' });
await browser.close();
await h.close();
process.exit(0);
