/**
 * Child process of bench:join holding every wrtc media participant, so that their JS (socket.io,
 * mediasoup-client, stats polling) does not share an event loop with the 300 signalling clients.
 * It inherits the load generator's CPU pinning. Driven over IPC:
 *
 *   → { type: 'host', url, token }                   the publisher (moderator) joins: mic + camera
 *   ← { type: 'hostReady', timings }
 *   → { type: 'go', url, tokens, camera, timeoutMs }  the members join at once
 *   ← { type: 'result', timings, errors }
 *   → { type: 'stop' }                                everyone leaves, the process exits
 */
import { readdirSync, readFileSync } from 'node:fs';
import { WrtcPeer, clock, type PeerTimings } from './wrtcPeer.js';

export type RunnerCommand =
  | { type: 'host'; url: string; token: string }
  | { type: 'go'; url: string; tokens: string[]; camera: boolean; timeoutMs: number; consumeOnlyPublisher: boolean }
  | { type: 'stop' };

export type RunnerReply =
  | { type: 'hostReady'; timings: PeerTimings; errors: string[]; participantId: string }
  | { type: 'result'; timings: PeerTimings[]; errors: string[] }
  | { type: 'error'; message: string };

const peers: WrtcPeer[] = [];
let host: WrtcPeer | undefined;

/**
 * BENCH_DEBUG=1: logs (stderr) every change of the publisher's video key frames and PLIs received,
 * per simulcast layer, in ms since the members started joining.
 */
function watchHost(t0: number): () => void {
  const last = new Map<string, string>();
  const timer = setInterval(async () => {
    for (const e of (await host?.outboundStats().catch(() => [])) ?? []) {
      if (e.kind !== 'video') continue;
      const line = `frames=${e.framesEncoded} keyFrames=${e.keyFramesEncoded} pli=${e.pliCount} fir=${e.firCount} ${e.frameWidth}x${e.frameHeight}`;
      if (last.get(String(e.rid)) === line) continue;
      last.set(String(e.rid), line);
      console.error(`[wrtc host] +${Math.round(performance.now() - t0)} ms ${e.rid}: ${line}`);
    }
  }, 10);
  return () => clearInterval(timer);
}

function reply(message: RunnerReply): void {
  process.send!(message);
}

/** BENCH_DEBUG=1: CPU seconds of this process's threads by name (JS main thread vs libwebrtc's). */
function logThreads(): void {
  const byName = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '#');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      /* thread gone */
    }
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.error(`[wrtc runner] CPU s by thread: ${top.map(([n, s]) => `${n}=${s.toFixed(2)}`).join(' ')}`);
}

async function handle(command: RunnerCommand): Promise<void> {
  if (command.type === 'host') {
    // The host only publishes: it does not wait for media (there is none to receive yet).
    host = new WrtcPeer({ url: command.url, token: command.token, mic: true, camera: true, timeoutMs: 0 });
    peers.push(host);
    const timings = await host.join();
    reply({ type: 'hostReady', timings, errors: host.errors, participantId: host.participantId });
  } else if (command.type === 'go') {
    const consumeOnly = command.consumeOnlyPublisher ? host?.participantId : undefined;
    const members = command.tokens.map(
      (token) => new WrtcPeer({ url: command.url, token, mic: true, camera: command.camera, timeoutMs: command.timeoutMs, consumeOnly }),
    );
    peers.push(...members);
    const unwatch = process.env.BENCH_DEBUG === '1' ? watchHost(performance.now()) : () => undefined;
    const settled = await Promise.allSettled(members.map((m) => m.join()));
    unwatch();
    const failed: PeerTimings = { joinedMs: NaN, recvConnectedMs: NaN, firstPacketMs: NaN, firstVideoPacketMs: NaN, firstFrameMs: NaN, statsDecodedMs: NaN };
    const errors = [
      ...settled.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error)?.message ?? s.reason)] : [])),
      ...members.flatMap((m) => m.errors),
    ];
    reply({ type: 'result', timings: settled.map((s) => (s.status === 'fulfilled' ? s.value : failed)), errors });
  } else {
    if (process.env.BENCH_DEBUG === '1') logThreads();
    for (const peer of peers) peer.close();
    clock.stop();
    // Let the sockets' close frames go out before leaving.
    setTimeout(() => process.exit(0), 200);
  }
}

process.on('message', (command: RunnerCommand) => {
  handle(command).catch((err: unknown) => reply({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
process.on('disconnect', () => process.exit(0));
