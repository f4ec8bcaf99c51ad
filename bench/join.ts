/**
 * bench:join: N signalling-only participants plus M real WebRTC participants join one
 * consultation in a burst. Prints one JSON line.
 *
 * Bare arm, same run: a plain socket.io server in its own process on the server's core
 * (bench/bareSocketServer.ts) that acks each join with as many bytes as ours did (the room
 * snapshot), joined by the same N clients; `signal_overhead_ratio` is our signalling p95 over its
 * p95 and `loop_lag_ratio` our event-loop delay p99 over its p99 during the burst. What the bare arm
 * does not do, and ours does: verify the link, write attendance durably, build the snapshot (an
 * object tree, where the bare arm sends one flat string of the same length), broadcast presence
 * batches to everyone.
 *
 * Media participants: one publisher (the moderator, microphone and camera) joins first; then M
 * members join in the burst, microphone on (paused by the server's floor policy) and camera off
 * unless --member-camera. Two kinds of peer:
 *
 * - `--peers=wrtc` (default): libwebrtc in Node (@roamhq/wrtc) driven by mediasoup-client's
 *   Chrome111 handler through our signalling protocol (bench/peers/wrtcPeer.ts), all M in one
 *   child process on the load core. media_*_ms is join start → first decoded video frame
 *   delivered to the track (an RTCVideoSink); media_stats_decoded_* is the same seen as
 *   inbound-rtp framesDecoded > 0 in 50 ms stats polls; media_first_packet_* is → first RTP
 *   packet of any kind (inbound-rtp packetsReceived > 0).
 * - `--peers=chromium`: each member a browser context of one headless Chromium with fake devices,
 *   clicking "join"; media_*_ms is click → first decoded video frame. Heavy: on 2 cores it
 *   measures Chromium more than the server.
 *
 * `--members-consume=publisher` (wrtc): members consume only the publisher's producers, not each
 * other's paused microphones (M² renegotiations that browsers do on their own cores, and M peers in
 * one process on one core).
 *
 *   npm run bench:join -- [N] [M] [--peers=wrtc|chromium] [--member-camera] [--members-consume=all|publisher]
 *   (defaults 300 5 wrtc, members consume all)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { io as connect, type Socket } from 'socket.io-client';
import { CHROMIUM, launchBrowser, personPage } from '../tests/helpers/browser.js';
import {
  LOAD_CPUS,
  childPids,
  spawnPinnedServer,
  waitForHttp,
  freePort,
  metricValue,
  cpuMeter,
  peakRssMb,
  percentile,
  pinLoadGenerator,
  pinnedChromium,
  round,
  startServerProcess,
} from './lib.js';
import type { PeerTimings } from './peers/wrtcPeer.js';
import type { RunnerCommand, RunnerReply } from './peers/wrtcRunner.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = new Map(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [key, value] = a.slice(2).split('=', 2);
      return [key!, value ?? 'true'] as const;
    }),
);
const N = Number(positional[0] ?? process.env.BENCH_N ?? 300);
const M = Number(positional[1] ?? process.env.BENCH_MEDIA ?? 5);
const PEERS = flags.get('peers') ?? process.env.BENCH_PEERS ?? 'wrtc';
const MEMBER_CAMERA = flags.get('member-camera') === 'true';
/** wrtc only: `publisher` makes members consume only the publisher, not each other's paused microphones. */
const MEMBERS_CONSUME = flags.get('members-consume') ?? 'all';
const MEDIA_TIMEOUT_MS = 30_000;
const ADMIN = 'bench-admin';
if (PEERS !== 'wrtc' && PEERS !== 'chromium') throw new Error(`--peers must be wrtc or chromium, not ${PEERS}`);
if (MEMBERS_CONSUME !== 'all' && MEMBERS_CONSUME !== 'publisher') throw new Error(`--members-consume must be all or publisher, not ${MEMBERS_CONSUME}`);

async function signallingJoin(url: string, event: string, payload: unknown): Promise<{ socket: Socket; ms: number; bytes: number }> {
  const t0 = performance.now();
  const token = (payload as { token?: string }).token;
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 120_000, query: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const reply = await new Promise<{ ok: boolean }>((resolve) => socket.emit(event, payload, resolve));
  const ms = performance.now() - t0;
  if (!reply.ok) throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { socket, ms, bytes: JSON.stringify(reply).length };
}

/**
 * The bare arm: plain socket.io in a process of its own, pinned to the server's core, one ack with
 * a payload the size of our join reply (bench/bareSocketServer.ts). Returns each join's time and
 * the bare server's event-loop delay p99 over the burst.
 */
async function bareArm(replyBytes: number): Promise<{ joinMs: number[]; loopLagP99Ms: number }> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./bareSocketServer.ts', import.meta.url));
  const child = spawnPinnedServer(['--import', 'tsx', script], { PORT: String(port), REPLY_BYTES: String(replyBytes) });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/lag`);
    await fetch(`${url}/lag`); // resets the histogram: the next read covers the burst
    const results = await Promise.all(Array.from({ length: N }, () => signallingJoin(url, 'session.join', { token: 'x' })));
    const lag = (await (await fetch(`${url}/lag`)).json()) as { p99_ms: number };
    for (const { socket } of results) socket.disconnect();
    return { joinMs: results.map((r) => r.ms), loopLagP99Ms: lag.p99_ms };
  } finally {
    child.kill('SIGTERM');
  }
}

interface Link {
  joinUrl: string;
  token: string;
}

/** The M measured media participants and their publisher, whatever they run in. */
interface MediaArm {
  /** The publisher joins and the members get ready to click "join". */
  prepare(moderator: Link, members: Link[]): Promise<void>;
  /** All members join at once; resolves per member (NaN: no media within the timeout). */
  measure(): Promise<PeerTimings[]>;
  close(): Promise<void>;
}

const noTimings = (): PeerTimings => ({
  joinedMs: NaN,
  recvConnectedMs: NaN,
  firstPacketMs: NaN,
  firstVideoPacketMs: NaN,
  firstFrameMs: NaN,
  statsDecodedMs: NaN,
});

/** wrtc peers in a child process (inherits the load core's pinning). */
function wrtcArm(url: string): MediaArm {
  const child: ChildProcess = fork(fileURLToPath(new URL('./peers/wrtcRunner.ts', import.meta.url)), [], {
    // BENCH_RUNNER_ARGS (e.g. --cpu-prof) profiles the media peers.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_RUNNER_ARGS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let members: Link[] = [];
  const ask = (command: RunnerCommand, expect: RunnerReply['type']) =>
    new Promise<RunnerReply>((resolve, reject) => {
      const onMessage = (message: RunnerReply) => {
        if (message.type === 'error') reject(new Error(`wrtc runner: ${message.message}`));
        else if (message.type === expect) resolve(message);
        else return;
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onExit = (code: number | null) => reject(new Error(`wrtc runner exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(command);
    });
  return {
    async prepare(moderator, links) {
      members = links;
      const reply = await ask({ type: 'host', url, token: moderator.token }, 'hostReady');
      if (reply.type === 'hostReady' && reply.errors.length) console.error('host:', reply.errors);
      // Let the publisher's encoder and the SFU settle (as the Chromium arm waits).
      await new Promise((r) => setTimeout(r, 1500));
    },
    async measure() {
      const reply = await ask(
        {
          type: 'go',
          url,
          tokens: members.map((m) => m.token),
          camera: MEMBER_CAMERA,
          timeoutMs: MEDIA_TIMEOUT_MS,
          consumeOnlyPublisher: MEMBERS_CONSUME === 'publisher',
        },
        'result',
      );
      if (reply.type !== 'result') return members.map(noTimings);
      if (reply.errors.length) console.error(`wrtc peers: ${reply.errors.length} errors, first: ${reply.errors[0]}`);
      return reply.timings;
    },
    async close() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' } satisfies RunnerCommand);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Headless Chromium pages, one browser context each, clicking the real client's "join". */
async function chromiumArm(url: string): Promise<MediaArm> {
  const browser: Browser = await launchBrowser([], pinnedChromium(CHROMIUM));
  const pages: Page[] = [];
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
      if (performance.now() - t0 > ${MEDIA_TIMEOUT_MS}) return NaN;
      await new Promise((r) => setTimeout(r, 20));
    }
  })()`;
  return {
    async prepare(moderator, links) {
      const host = await personPage(browser, 640, 480);
      await host.goto(url + moderator.joinUrl);
      await host.waitForSelector('[data-testid="join-button"]:not([disabled])');
      await host.click('[data-testid="join-button"]');
      await host.waitForSelector('[data-testid="participant-list"]');
      for (const link of links) {
        const page = await personPage(browser, 640, 480);
        await page.goto(url + link.joinUrl);
        await page.waitForSelector('[data-testid="join-button"]:not([disabled])');
        // Measured members join with the camera off, as phone members on county links often do: on
        // this 2-core box six Chromium video encoders would otherwise measure Chromium, not the server.
        if (!MEMBER_CAMERA) await page.click('[data-testid="prejoin-cam"]');
        pages.push(page);
      }
      await new Promise((r) => setTimeout(r, 1500));
    },
    async measure() {
      const ms = await Promise.all(pages.map((page) => page.evaluate(measureInPage) as Promise<number>));
      return ms.map((firstFrameMs) => ({ ...noTimings(), firstFrameMs }));
    },
    async close() {
      await browser.close();
    },
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-join-'));
  const { child, url } = await startServerProcess({ ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir });
  pinLoadGenerator();
  let media: MediaArm | undefined;
  try {
    media = M > 0 ? (PEERS === 'chromium' ? await chromiumArm(url) : wrtcArm(url)) : undefined;
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
    await media?.prepare(moderator, mediaLinks);

    await fetch(`${url}/metrics`); // resets the event-loop histogram: the next scrape covers the burst
    const cpu = cpuMeter(child.pid!);
    const measureMedia = media ? media.measure() : Promise.resolve([]);
    const signalling = Promise.all(signalLinks.map((l) => signallingJoin(url, 'session.join', { token: l.token })));
    const [mediaTimings, signalResults] = await Promise.all([measureMedia, signalling]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const loopLagP99 = metricValue(metrics, 'nodejs_eventloop_lag_seconds{quantile="0.99"}') * 1000;
    const cpuPct = cpu();
    const serverRss = peakRssMb(child.pid!);
    const workerRss = childPids(child.pid!)
      .map(peakRssMb)
      .reduce((a, b) => a + b, 0);
    const signalMs = signalResults.map((r) => r.ms);
    for (const { socket } of signalResults) socket.disconnect();
    await media?.close();
    media = undefined;

    // The bare arm answers with as many bytes as our join replies carried on average.
    const meanReplyBytes = Math.round(signalResults.reduce((sum, r) => sum + r.bytes, 0) / Math.max(1, signalResults.length));
    const bare = N > 0 ? await bareArm(meanReplyBytes) : { joinMs: [], loopLagP99Ms: NaN };
    const signalP95 = percentile(signalMs, 95);
    const bareP95 = percentile(bare.joinMs, 95);
    // A percentile over the members that got media; the ones that did not are counted in media_failed.
    const got = (pick: (t: PeerTimings) => number) => mediaTimings.map(pick).filter((v) => !Number.isNaN(v));
    const frameMs = got((t) => t.firstFrameMs);
    const packetMs = got((t) => t.firstPacketMs);
    console.log(
      JSON.stringify({
        bench: 'join',
        participants: N,
        media_participants: M,
        peers: M > 0 ? PEERS : null,
        member_camera: MEMBER_CAMERA,
        ...(PEERS === 'wrtc' ? { members_consume: MEMBERS_CONSUME } : {}),
        media_p50_ms: round(percentile(frameMs, 50)),
        media_p95_ms: round(percentile(frameMs, 95)),
        media_failed: mediaTimings.length - frameMs.length,
        ...(PEERS === 'wrtc'
          ? {
              media_first_packet_p50_ms: round(percentile(packetMs, 50)),
              media_first_packet_p95_ms: round(percentile(packetMs, 95)),
              media_first_video_packet_p95_ms: round(
                percentile(
                  got((t) => t.firstVideoPacketMs),
                  95,
                ),
              ),
              media_stats_decoded_p95_ms: round(
                percentile(
                  got((t) => t.statsDecodedMs),
                  95,
                ),
              ),
              media_join_ack_p95_ms: round(
                percentile(
                  got((t) => t.joinedMs),
                  95,
                ),
              ),
              media_recv_connected_p95_ms: round(
                percentile(
                  got((t) => t.recvConnectedMs),
                  95,
                ),
              ),
            }
          : {}),
        signal_p50_ms: round(percentile(signalMs, 50)),
        signal_p95_ms: round(signalP95),
        bare_signal_p95_ms: round(bareP95),
        signal_overhead_ratio: round(signalP95 / bareP95, 2),
        join_reply_bytes: meanReplyBytes,
        loop_lag_p99_ms: round(loopLagP99),
        bare_loop_lag_p99_ms: round(bare.loopLagP99Ms),
        loop_lag_ratio: round(loopLagP99 / bare.loopLagP99Ms, 2),
        server_rss_mb: round(serverRss),
        pinned: LOAD_CPUS !== undefined,
        worker_rss_mb: round(workerRss),
        // CPU during the burst in % of one core: the server with its workers, our load generators,
        // and others' processes (noise on a shared machine).
        server_cpu_pct: Math.round(cpuPct.server),
        load_cpu_pct: Math.round(cpuPct.load),
        other_cpu_pct: Math.round(cpuPct.other),
      }),
    );
  } finally {
    await media?.close();
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
