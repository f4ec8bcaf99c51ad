// Manual look (not part of the suite): a member on a weak county link (CDP WebRTC throttling).
import { createConsultation, startServer } from '../helpers/harness.js';
import { inbound, launchBrowser, personPage, transportStats } from '../helpers/browser.js';

const h = await startServer();
const c = await createConsultation(h.url);
const browser = await launchBrowser();
const pages = [];
for (const i of [1, 2]) {
  const p = await personPage(browser, 800, 600);
  if (i === 2) {
    const cdp = await p.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: 62_500,
      uploadThroughput: 31_250,
      packetLoss: 3,
      packetQueueLength: 50,
    });
  }
  await p.goto(h.url + c.participants[i]!.joinUrl);
  await p.waitForSelector('[data-testid="join-button"]:not([disabled])');
  await p.click('[data-testid="join-button"]');
  pages.push(p);
}
for (let t = 0; t < 5; t++) {
  await new Promise((r) => setTimeout(r, 4000));
  for (const [i, p] of pages.entries()) {
    const s = await transportStats(p);
    const v = inbound(s, 'video')[0] as Record<string, unknown> | undefined;
    const a = inbound(s, 'audio')[0] as Record<string, unknown> | undefined;
    console.log(`t=${(t + 1) * 4}s page${i}`, 'video', v?.framesDecoded, v?.frameHeight, v?.packetsLost, 'audio pkts', a?.packetsReceived, a?.packetsLost);
  }
}
await pages[1]!.screenshot({ path: '/tmp/look/throttled.png' });
await browser.close();
await h.close();
process.exit(0);
