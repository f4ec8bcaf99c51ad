/**
 * bench:flood: while F connections with made-up join links hit the server at once (a flood of
 * socket.io handshakes), how long do `/health` and a joined participant's request take? Prints
 * one JSON line:
 *
 * - refused: flood handshakes the server turned away (all of them, if it works);
 * - health_*_ms: GET /health, polled every 20 ms through the flood;
 * - request_*_ms: a joined member's `time.sync` round trip, every 20 ms through the flood;
 * - join_during_flood_ms: a member opening their link 50 ms into the flood, until they are in the room;
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
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no answer within 10 s (connected: ${socket.connected})`)), 10_000);
    socket.emit(event, payload, (reply: { ok: boolean; data: T; error?: unknown }) => {
      clearTimeout(timer);
      if (reply.ok) resolve(reply.data);
      else reject(new Error(`${event}: ${JSON.stringify(reply.error)}`));
    });
  });
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
      body: JSON.stringify({
        title: 'bench flood',
        sites: [{ id: 's', name: '市本级' }],
        participants: [
          { name: '委员甲', role: 'member', siteId: 's' },
          { name: '委员乙', role: 'member', siteId: 's' },
        ],
      }),
    });
    const created = (await res.json()) as { participants: { joinUrl: string }[] };
    const tokenOf = (i: number) => new URL(created.participants[i]!.joinUrl, url).searchParams.get('token')!;
    const token = tokenOf(0);
    // The late joiner is another member (the same link would replace the first member's connection).
    const lateToken = tokenOf(1);
    const member = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, query: { token } });
    await new Promise<void>((resolve, reject) => {
      member.once('connect', () => resolve());
      member.once('connect_error', reject);
    });
    await call(member, 'session.join', { token });
    // A fresh connection each time (as a load balancer's probe is), with a bound: a probe that hangs counts as 10 s.
    let healthFailures = 0;
    const health = () =>
      fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000), headers: { connection: 'close' } })
        .then((r) => r.arrayBuffer())
        .catch(() => {
          healthFailures++;
        });
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
          // Admitted (a server without the gate): it goes on to join with its made-up link, as the flood did.
          s.once('connect', () => {
            admitted++;
            s.emit('session.join', { token: `v1.made-up-${i}.AAAA` }, () => resolve());
          });
          s.once('connect_error', () => (refused++, resolve()));
        });
      }),
    );
    // A member opening their link in the middle of the flood: how long until they are in the room?
    const lateJoin = (async () => {
      await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      // From another address than the flood's (127.0.0.2: an attacker is not in the member's county office).
      const late = connect(url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 60_000,
        query: { token: lateToken },
        localAddress: '127.0.0.2',
      } as never);
      await new Promise<void>((resolve, reject) => {
        late.once('connect', () => resolve());
        late.once('connect_error', reject);
      });
      await call(late, 'session.join', { token: lateToken });
      const ms = performance.now() - t0;
      late.disconnect();
      return ms;
    })();
    const [floodHealth, floodRequest, joinMs] = await Promise.all([sample(health, flood), sample(request, flood), lateJoin]);
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
        join_during_flood_ms: round(joinMs),
        health_failures: healthFailures,
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
