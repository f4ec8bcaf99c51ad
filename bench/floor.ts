/**
 * bench:floor: N signalling-only participants in one consultation; the moderator gives
 * the floor G times. Latency is grant sent → the floor.changed of that grant received by
 * every participant. Prints one JSON line.
 *
 * Bare arm, same run: a plain socket.io server (its own process, pinned like ours) that
 * broadcasts an event of the same size to the same number of clients when asked, with no
 * validation and no storage. `overhead_ratio` is our p95 over its p95. Ours also validates
 * the request, checks the role and the stale guard, appends the grant to the log and
 * fsyncs it before broadcasting, and applies the floor to the SFU's microphones.
 *
 *   npm run bench:floor -- [N] [G]        (defaults 300 and 50)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { LOAD_CPUS, percentile, pinLoadGenerator, round, startServerProcess } from './lib.js';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 300);
const G = Number(process.argv[3] ?? process.env.BENCH_GRANTS ?? 50);
const ADMIN = 'bench-admin';

/** A connection; `token` (a join link's) is needed by our server at the handshake, not by the bare arm. */
async function open(url: string, token?: string): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 120_000, ...(token ? { query: { token } } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function call<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    socket.emit(event, payload, (reply: { ok: boolean; data: T; error?: unknown }) =>
      reply.ok ? resolve(reply.data) : reject(new Error(`${event}: ${JSON.stringify(reply.error)}`)),
    ),
  );
}

/**
 * Runs G rounds: `grant(i)` starts round i and resolves to the version it produced;
 * each listener calls `arrived(version)` when its event comes. A round ends when all N got it.
 */
async function rounds(listeners: Socket[], versionOf: (payload: unknown) => number, grant: (i: number) => Promise<number>): Promise<number[]> {
  const arrivals = new Map<number, number[]>();
  for (const socket of listeners) {
    socket.on('floor.changed', (payload: unknown) => {
      const version = versionOf(payload);
      let list = arrivals.get(version);
      if (!list) arrivals.set(version, (list = []));
      list.push(performance.now());
    });
  }
  const latencies: number[] = [];
  for (let i = 0; i < G; i++) {
    const t0 = performance.now();
    const version = await grant(i);
    const deadline = performance.now() + 10_000;
    while ((arrivals.get(version)?.length ?? 0) < listeners.length) {
      if (performance.now() > deadline) throw new Error(`round ${i}: only ${arrivals.get(version)?.length ?? 0} of ${listeners.length} received`);
      await new Promise((r) => setImmediate(r));
    }
    latencies.push(Math.max(...arrivals.get(version)!) - t0);
    arrivals.delete(version);
    await new Promise((r) => setTimeout(r, 30));
  }
  return latencies;
}

async function ours(): Promise<{ latencies: number[]; eventBytes: number; kill: () => void }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-floor-'));
  const { child, url } = await startServerProcess({ ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir });
  const res = await fetch(`${url}/api/consultations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'bench floor',
      agenda: [{ title: '议题一' }],
      sites: [
        { id: 'city', name: '市本级' },
        { id: 'lake', name: '湖滨县' },
        { id: 'east', name: '东城区' },
      ],
      participants: [
        { name: '主持人', role: 'moderator', siteId: 'city' },
        ...Array.from({ length: N }, (_, i) => ({ name: `委员${i + 1}`, role: 'member', siteId: ['city', 'lake', 'east'][i % 3] })),
      ],
    }),
  });
  const created = (await res.json()) as { participants: { id: string; role: string; joinUrl: string }[] };
  const token = (joinUrl: string) => new URL(joinUrl, url).searchParams.get('token')!;
  const [chairLink, ...memberLinks] = created.participants;
  const chair = await open(url, token(chairLink!.joinUrl));
  await call(chair, 'session.join', { token: token(chairLink!.joinUrl) });
  const members: Socket[] = [];
  for (let i = 0; i < memberLinks.length; i += 50) {
    const batch = await Promise.all(
      memberLinks.slice(i, i + 50).map(async (l) => {
        const s = await open(url, token(l.joinUrl));
        await call(s, 'session.join', { token: token(l.joinUrl) });
        return s;
      }),
    );
    members.push(...batch);
  }
  // A realistic queue: ten members waiting, so each broadcast carries a queue as well as the speech.
  for (const s of members.slice(0, 10)) await call(s, 'floor.request', { type: 'speech', note: '关于本议题的意见' });
  await new Promise((r) => setTimeout(r, 500));
  let eventBytes = 0;
  let speechId: string | null = null;
  members[0]!.on('floor.changed', (p: unknown) => (eventBytes = JSON.stringify(p).length));
  const latencies = await rounds(
    members,
    (p) => (p as { floor: { version: number } }).floor.version,
    async (i) => {
      const reply = await call<{ speechId: string; version: number }>(chair, 'floor.grant', {
        expectedSpeechId: speechId,
        participantId: memberLinks[10 + (i % (memberLinks.length - 10))]!.id,
      });
      speechId = reply.speechId;
      return reply.version;
    },
  );
  for (const s of [chair, ...members]) s.disconnect();
  return { latencies, eventBytes, kill: () => child.kill('SIGTERM') };
}

async function bare(eventBytes: number): Promise<number[]> {
  const command = LOAD_CPUS ? 'taskset' : process.execPath;
  const args = ['--import', 'tsx', 'bench/bare-broadcast.ts'];
  const child = spawn(command, LOAD_CPUS ? ['-c', '0', process.execPath, ...args] : args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  try {
    const url = `http://127.0.0.1:${port}`;
    const chair = await open(url);
    const members: Socket[] = [];
    for (let i = 0; i < N; i += 50) {
      members.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, N - i) }, async () => {
            const s = await open(url);
            await call(s, 'join', {});
            return s;
          }),
        )),
      );
    }
    // The bare event is {seq, filler}: size the filler so the whole event matches ours.
    const filler = Math.max(0, eventBytes - JSON.stringify({ seq: 0, filler: '' }).length - 2);
    const latencies = await rounds(
      members,
      (p) => (p as { seq: number }).seq,
      async (i) => {
        await call(chair, 'grant', { bytes: filler, seq: i + 1 });
        return i + 1;
      },
    );
    for (const s of [chair, ...members]) s.disconnect();
    return latencies;
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  pinLoadGenerator();
  const ourRun = await ours();
  ourRun.kill();
  const bareLatencies = await bare(ourRun.eventBytes);
  const p95 = percentile(ourRun.latencies, 95);
  const bareP95 = percentile(bareLatencies, 95);
  console.log(
    JSON.stringify({
      bench: 'floor',
      participants: N,
      grants: G,
      p50_ms: round(percentile(ourRun.latencies, 50)),
      p95_ms: round(p95),
      p99_ms: round(percentile(ourRun.latencies, 99)),
      bare_p50_ms: round(percentile(bareLatencies, 50)),
      bare_p95_ms: round(bareP95),
      overhead_ratio: round(p95 / bareP95, 2),
      event_bytes: ourRun.eventBytes,
      pinned: LOAD_CPUS !== undefined,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
