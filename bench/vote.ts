/**
 * bench:vote: V eligible members (signalling only) each cast one ballot at a random moment
 * within 2 s of the opening; one in ten also resends it (a client retry). Then the
 * moderator closes the motion. Prints one JSON line:
 *
 * - ack_*_ms: ballot sent → ack (sent only once the ballot is durable);
 * - result_all_ms: close sent → the result received by every member;
 * - lost / duplicated: per option, acknowledged ballots missing from the result, and extra ones.
 *
 *   npm run bench:vote -- [V] [named|secret]      (defaults 1000 and named)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { LOAD_CPUS, percentile, pinLoadGenerator, round, startServerProcess } from './lib.js';

const V = Number(process.argv[2] ?? process.env.BENCH_VOTERS ?? 1000);
const BALLOT = (process.argv[3] ?? process.env.BENCH_BALLOT ?? 'named') as 'named' | 'secret';
const WINDOW_MS = 2000;
const ADMIN = 'bench-admin';
const OPTIONS = ['for', 'against', 'abstain'] as const;

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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-vote-'));
  const { child, url } = await startServerProcess({ ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir });
  pinLoadGenerator();
  try {
    const res = await fetch(`${url}/api/consultations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'bench vote',
        agenda: [{ title: '议题一' }],
        sites: [
          { id: 'city', name: '市本级' },
          { id: 'lake', name: '湖滨县' },
        ],
        participants: [
          { name: '主持人', role: 'moderator', siteId: 'city' },
          ...Array.from({ length: V }, (_, i) => ({ name: `委员${i + 1}`, role: 'member', siteId: i % 2 ? 'lake' : 'city' })),
        ],
      }),
    });
    const created = (await res.json()) as { participants: { joinUrl: string }[] };
    const token = (joinUrl: string) => new URL(joinUrl, url).searchParams.get('token')!;
    const [chairLink, ...memberLinks] = created.participants;
    const chair = await open(url, token(chairLink!.joinUrl));
    await call(chair, 'session.join', { token: token(chairLink!.joinUrl) });
    const members: Socket[] = [];
    for (let i = 0; i < memberLinks.length; i += 100) {
      members.push(
        ...(await Promise.all(
          memberLinks.slice(i, i + 100).map(async (l) => {
            const s = await open(url, token(l.joinUrl));
            await call(s, 'session.join', { token: token(l.joinUrl) });
            return s;
          }),
        )),
      );
    }
    await new Promise((r) => setTimeout(r, 500));

    const { motion } = await call<{ motion: { definition: { id: string } } }>(chair, 'motion.create', { title: '基准表决', ballot: BALLOT });
    const motionId = motion.definition.id;
    const opened = await call<{ motion: { turnout: { eligible: number } } }>(chair, 'motion.open', { motionId });
    if (opened.motion.turnout.eligible !== V) throw new Error(`eligible ${opened.motion.turnout.eligible}, expected ${V}`);

    // Every member casts once at a random moment in the window; one in ten resends the same ballot.
    const expected: Record<string, number> = { for: 0, against: 0, abstain: 0 };
    const acks: number[] = [];
    let failures = 0;
    await Promise.all(
      members.map(
        (socket, i) =>
          new Promise<void>((resolve) => {
            const choice = OPTIONS[i % 3]!;
            const payload = {
              motionId,
              ballotId: `bench-${i}`,
              choices: [choice],
              ...(BALLOT === 'secret' ? { ballotSecret: (i + 1).toString(16).padStart(32, '0'), ballotNonce: (i + 1).toString(16).padStart(32, 'e') } : {}),
            };
            setTimeout(() => {
              const t0 = performance.now();
              const sends =
                i % 10 === 0 ? [call(socket, 'motion.vote', payload), call(socket, 'motion.vote', payload)] : [call(socket, 'motion.vote', payload)];
              Promise.all(sends).then(
                () => {
                  acks.push(performance.now() - t0);
                  expected[choice]!++;
                  resolve();
                },
                () => {
                  failures++;
                  resolve();
                },
              );
            }, Math.random() * WINDOW_MS);
          }),
      ),
    );

    const arrivals: number[] = [];
    const allResults = Promise.all(
      members.map(
        (socket) =>
          new Promise<{ counts: Record<string, number>; ballots: number }>((resolve) => {
            socket.on('motion.changed', ({ motion: m }: { motion: { status: string; result: { counts: Record<string, number>; ballots: number } } }) => {
              if (m.status !== 'closed') return;
              arrivals.push(performance.now());
              resolve(m.result);
            });
          }),
      ),
    );
    const tClose = performance.now();
    await call(chair, 'motion.close', { motionId });
    const results = await allResults;
    const resultAll = Math.max(...arrivals) - tClose;
    const counts = results[0]!.counts;
    let lost = 0;
    let duplicated = 0;
    for (const option of OPTIONS) {
      lost += Math.max(0, expected[option]! - (counts[option] ?? 0));
      duplicated += Math.max(0, (counts[option] ?? 0) - expected[option]!);
    }
    for (const s of [chair, ...members]) s.disconnect();
    console.log(
      JSON.stringify({
        bench: 'vote',
        voters: V,
        ballot: BALLOT,
        ack_p50_ms: round(percentile(acks, 50)),
        ack_p95_ms: round(percentile(acks, 95)),
        ack_p99_ms: round(percentile(acks, 99)),
        result_all_ms: round(resultAll),
        lost,
        duplicated,
        refused: failures,
        result_ballots: results[0]!.ballots,
        pinned: LOAD_CPUS !== undefined,
      }),
    );
  } finally {
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
