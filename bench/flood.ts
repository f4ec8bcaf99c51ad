/**
 * bench:flood: while F connections with made-up join links hit the server at once (a flood of
 * socket.io handshakes), how long do `/health` and a joined participant's request take? Prints
 * one JSON line:
 *
 * - refused: flood handshakes the server turned away (all of them, if it works);
 * - health_*_ms: GET /health, polled every 20 ms through the flood;
 * - request_*_ms: a joined member's `time.sync` round trip, every 20 ms through the flood;
 * - quiet_*: the same two before the flood, for comparison.
 *
 *   npm run bench:flood -- [F]      (default 2000)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { percentile, pinLoadGenerator, round, startServerProcess } from './lib.js';

const F = Number(process.argv[2] ?? process.env.BENCH_FLOOD ?? 2000);
const ADMIN = 'bench-admin';

function call<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    socket.emit(event, payload, (reply: { ok: boolean; data: T; error?: unknown }) =>
      reply.ok ? resolve(reply.data) : reject(new Error(`${event}: ${JSON.stringify(reply.error)}`)),
    ),
  );
}

/** Samples `probe` every 20 ms until `until` resolves; returns the durations. */
async function sample(probe: () => Promise<unknown>, until: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  const state = { done: false };
  void until.finally(() => (state.done = true));
  while (!state.done) {
    const t0 = performance.now();
    await probe();
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-flood-'));
  // The per-address limit is part of what is measured here: the default one.
  const { child, url } = await startServerProcess({ ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir, HANDSHAKES_PER_ADDRESS: '600' });
  pinLoadGenerator();
  try {
    const res = await fetch(`${url}/api/consultations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'bench flood', sites: [{ id: 's', name: '市本级' }], participants: [{ name: '委员', role: 'member', siteId: 's' }] }),
    });
    const created = (await res.json()) as { participants: { joinUrl: string }[] };
    const token = new URL(created.participants[0]!.joinUrl, url).searchParams.get('token')!;
    const member = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, query: { token } });
    await new Promise<void>((resolve, reject) => {
      member.once('connect', () => resolve());
      member.once('connect_error', reject);
    });
    await call(member, 'session.join', { token });
    const health = () => fetch(`${url}/health`).then((r) => r.arrayBuffer());
    const request = () => call(member, 'time.sync', { clientTime: Date.now() });

    const quietFor = new Promise((r) => setTimeout(r, 1000));
    const [quietHealth, quietRequest] = await Promise.all([sample(health, quietFor), sample(request, quietFor)]);

    let refused = 0;
    let admitted = 0;
    const floodSockets: Socket[] = [];
    const flood = Promise.all(
      Array.from({ length: F }, (_, i) => {
        const s = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000, query: { token: `v1.made-up-${i}.AAAA` } });
        floodSockets.push(s);
        return new Promise<void>((resolve) => {
          s.once('connect', () => (admitted++, resolve()));
          s.once('connect_error', () => (refused++, resolve()));
        });
      }),
    );
    const [floodHealth, floodRequest] = await Promise.all([sample(health, flood), sample(request, flood)]);
    for (const s of floodSockets) s.disconnect();
    member.disconnect();
    const ms = (values: number[], p: number) => round(percentile(values, p));
    console.log(
      JSON.stringify({
        bench: 'flood',
        attempts: F,
        refused,
        admitted,
        health_p50_ms: ms(floodHealth, 50),
        health_p99_ms: ms(floodHealth, 99),
        health_max_ms: round(Math.max(...floodHealth)),
        request_p50_ms: ms(floodRequest, 50),
        request_p99_ms: ms(floodRequest, 99),
        request_max_ms: round(Math.max(...floodRequest)),
        quiet_health_p99_ms: ms(quietHealth, 99),
        quiet_request_p99_ms: ms(quietRequest, 99),
      }),
    );
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
