/**
 * bench:join: N signalling-only participants plus M real WebRTC participants (Chromium)
 * join one consultation in a burst. Prints one JSON line.
 *
 * Bare arm, same run: a plain socket.io server that acks each join with as many bytes as
 * ours did (the room snapshot), joined by the same N clients; `signal_overhead_ratio` is our
 * signalling p95 over its p95. What the bare arm does not do, and ours does: verify the link,
 * write attendance durably, broadcast presence batches to everyone.
 *
 * Media participants: one publisher (the moderator) joins first; then M members, each in its
 * own browser context of one headless Chromium with fake devices (camera off, microphone on),
 * click "join" in the burst.
 * media_*_ms is click → first decoded video frame from the publisher or anyone else.
 *
 *   npm run bench:join -- [N] [M]         (defaults 300 and 5)
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { CHROMIUM, launchBrowser, personPage } from '../tests/helpers/browser.js';
import { LOAD_CPUS, childPids, freePort, metricValue, peakRssMb, percentile, pinLoadGenerator, pinnedChromium, round, startServerProcess } from './lib.js';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 300);
const M = Number(process.argv[3] ?? process.env.BENCH_MEDIA ?? 5);
const ADMIN = 'bench-admin';

async function signallingJoin(url: string, event: string, payload: unknown): Promise<{ socket: Socket; ms: number; bytes: number }> {
  const t0 = performance.now();
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 120_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const reply = await new Promise<{ ok: boolean }>((resolve) => socket.emit(event, payload, resolve));
  const ms = performance.now() - t0;
  if (!reply.ok) throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { socket, ms, bytes: JSON.stringify(reply).length };
}

/** The bare arm: plain socket.io, one ack with a payload the size of our join reply. */
async function bareArm(replyBytes: number): Promise<number[]> {
  const port = await freePort();
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const filler = 'x'.repeat(replyBytes);
  io.on('connection', (s) => s.on('session.join', (_p: unknown, ack: (r: unknown) => void) => ack({ ok: true, data: filler })));
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const results = await Promise.all(Array.from({ length: N }, () => signallingJoin(`http://127.0.0.1:${port}`, 'session.join', { token: 'x' })));
  for (const { socket } of results) socket.disconnect();
  await new Promise<void>((r) => io.close(() => r()));
  return results.map((r) => r.ms);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-join-'));
  const { child, url } = await startServerProcess({ ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir });
  pinLoadGenerator();
  const browser = M > 0 ? await launchBrowser([], pinnedChromium(CHROMIUM)) : undefined;
  try {
    const participants = [
      { name: '主持人', role: 'moderator', siteId: 'city' },
      ...Array.from({ length: M }, (_, i) => ({ name: `媒体委员${i + 1}`, role: 'member', siteId: i % 2 ? 'lake' : 'city' })),
      ...Array.from({ length: N }, (_, i) => ({ name: `信令委员${i + 1}`, role: 'member', siteId: ['city', 'lake', 'east'][i % 3] })),
    ];
    const res = await fetch(`${url}/api/consultations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'bench',
        sites: [
          { id: 'city', name: '市本级' },
          { id: 'lake', name: '湖滨县' },
          { id: 'east', name: '东城区' },
        ],
        participants,
      }),
    });
    const created = (await res.json()) as { participants: { role: string; name: string; joinUrl: string }[] };
    const links = created.participants.map((p) => ({ ...p, token: new URL(p.joinUrl, url).searchParams.get('token')! }));
    const moderator = links[0]!;
    const mediaLinks = links.slice(1, 1 + M);
    const signalLinks = links.slice(1 + M);

    // A publisher already in the room, so every measured media participant has someone to receive.
    const pages = [];
    if (browser) {
      const host = await personPage(browser, 640, 480);
      await host.goto(url + moderator.joinUrl);
      await host.waitForSelector('[data-testid="join-button"]:not([disabled])');
      await host.click('[data-testid="join-button"]');
      await host.waitForSelector('[data-testid="participant-list"]');
      for (const link of mediaLinks) {
        const page = await personPage(browser, 640, 480);
        await page.goto(url + link.joinUrl);
        await page.waitForSelector('[data-testid="join-button"]:not([disabled])');
        // Measured members join with the camera off, as phone members on county links often do: on
        // this 2-core box six Chromium video encoders would otherwise measure Chromium, not the server.
        await page.click('[data-testid="prejoin-cam"]');
        pages.push(page);
      }
      await new Promise((r) => setTimeout(r, 1500));
    }

    await fetch(`${url}/metrics`); // resets the event-loop histogram: the next scrape covers the burst
    // Passed as source text: tsx's transform would otherwise inject helpers the page does not have.
    const measureInPage = `(async () => {
      const t0 = performance.now();
      document.querySelector('[data-testid="join-button"]').click();
      for (;;) {
        const hook = window.__consultation;
        if (hook) {
          const stats = await hook.stats().catch(() => ({ recv: [] }));
          if (stats.recv.some((s) => s.type === 'inbound-rtp' && s.kind === 'video' && s.codecId && (s.framesDecoded || 0) > 0)) {
            return performance.now() - t0;
          }
        }
        if (performance.now() - t0 > 30000) return NaN;
        await new Promise((r) => setTimeout(r, 20));
      }
    })()`;
    const measureMedia = pages.map((page) => page.evaluate(measureInPage) as Promise<number>);
    const signalling = Promise.all(signalLinks.map((l) => signallingJoin(url, 'session.join', { token: l.token })));
    const [mediaMs, signalResults] = await Promise.all([Promise.all(measureMedia), signalling]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const loopLagP99 = metricValue(metrics, 'nodejs_eventloop_lag_seconds{quantile="0.99"}') * 1000;
    const serverRss = peakRssMb(child.pid!);
    const workerRss = childPids(child.pid!).map(peakRssMb).reduce((a, b) => a + b, 0);
    const signalMs = signalResults.map((r) => r.ms);
    for (const { socket } of signalResults) socket.disconnect();

    // The bare arm answers with as many bytes as our join replies carried on average.
    const meanReplyBytes = Math.round(signalResults.reduce((sum, r) => sum + r.bytes, 0) / Math.max(1, signalResults.length));
    const bare = await bareArm(meanReplyBytes);
    const signalP95 = percentile(signalMs, 95);
    const bareP95 = percentile(bare, 95);
    console.log(
      JSON.stringify({
        bench: 'join',
        participants: N,
        media_participants: M,
        media_p50_ms: round(percentile(mediaMs, 50)),
        media_p95_ms: round(percentile(mediaMs, 95)),
        media_failed: mediaMs.filter((m) => Number.isNaN(m)).length,
        signal_p50_ms: round(percentile(signalMs, 50)),
        signal_p95_ms: round(signalP95),
        bare_signal_p95_ms: round(bareP95),
        signal_overhead_ratio: round(signalP95 / bareP95, 2),
        join_reply_bytes: meanReplyBytes,
        loop_lag_p99_ms: round(loopLagP99),
        server_rss_mb: round(serverRss),
        pinned: LOAD_CPUS !== undefined,
        worker_rss_mb: round(workerRss),
      }),
    );
  } finally {
    await browser?.close();
    child.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
