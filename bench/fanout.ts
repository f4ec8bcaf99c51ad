/**
 * bench:fanout — one studio feed (VP8 simulcast 180p/360p/720p) and one speaker's Opus fanned
 * out to N receivers on one mediasoup worker, then across two workers joined by pipeToRouter.
 *
 *   npm run bench:fanout [-- 50 100 …] [--workers=1,2] [--layer=1] [--window=10] [--warmup=2]
 *
 * For every N and worker count two arms are set up side by side, each on its own fresh
 * workers: ours (sfu/src MediaService/MediaRoom) and bare (mediasoup alone, same worker
 * settings, same producers and receivers). Only one arm is fed at a time, in four half-windows
 * A B B A (A alternating between ours and bare from one N to the next), each after the arm's
 * consumers all forward again and a warm-up. See bench/fanout/*.ts for the senders, the sink
 * and the arms. Measured over the arm's two half-windows (--window seconds in all):
 *   - worker CPU: utime+stime of the worker process(es) from /proc/<pid>/stat (% of one core);
 *   - pps_out: RTP packets per second arriving at the sink (all consumers);
 *   - µs of worker CPU per packet out, and the ratio ours / bare;
 *   - loss: gaps in each consumer's RTP sequence numbers at the sink over the window.
 * One JSON line per N and worker count. The bench process (senders, sink) runs on core 1 and
 * the workers on core 0 when there are 2 cores; BENCH_PIN=0 turns pinning off.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createBareArm, createOurArm, type Arm, type ArmName, type ArmOptions, type ReceiverConsumer } from './fanout/arms.js';
import { LAYERS, RtpSender, type SenderCounts } from './fanout/sender.js';
import { Sink, windowFigures, type CounterSnapshot } from './fanout/sink.js';
import { LOAD_CPUS, pinLoadGenerator, round } from './lib.js';

interface Options {
  receivers: number[];
  workers: (1 | 2)[];
  layer: number;
  windowS: number;
  warmupS: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { receivers: [], workers: [1, 2], layer: 1, windowS: 10, warmupS: 2 };
  for (const arg of argv) {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    if (/^\d+$/.test(arg)) options.receivers.push(Number(arg));
    else if (key === 'workers') options.workers = value.split(',').map((v) => (v === '2' ? 2 : 1));
    else if (key === 'layer') options.layer = Math.min(LAYERS.length - 1, Math.max(0, Number(value)));
    else if (key === 'window') options.windowS = Number(value);
    else if (key === 'warmup') options.warmupS = Number(value);
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.receivers.length === 0) options.receivers = [50, 100, 200, 300, 450, 600];
  return options;
}

/** The core the workers run on (pinned), whose states are logged per window. */
const WORKER_CORE = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (message: string) => process.stderr.write(`[fanout] ${message}\n`);

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Jiffies of one core by state, from /proc/stat: [user+nice, system, irq+softirq, steal, idle+iowait]. */
function coreTimes(core: number): number[] {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `));
  const v = (line ?? '').split(/\s+/).slice(1).map(Number);
  const at = (i: number) => v[i] ?? 0;
  return [at(0) + at(1), at(2), at(5) + at(6), at(7), at(3) + at(4)];
}

/** Kernel UDP receive-buffer drops on the whole machine (/proc/net/snmp). */
function udpRcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const index = names.indexOf('RcvbufErrors');
  return index > 0 ? Number(values[index]) : NaN;
}

/**
 * Freezes or thaws an arm's worker processes. The arm not being measured is frozen (SIGSTOP)
 * so that its idle work (RTCP for its consumers, timers: ~5% of a core at 600 receivers) does
 * not share core 0 with the arm being measured. mediasoup 3.8.4 has no heartbeat on its
 * channel, and nothing is asked of a frozen worker.
 */
function signalWorkers(run: ArmRun, signal: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of run.arm.workerPids) {
    try {
      process.kill(pid, signal);
      if (signal === 'SIGSTOP') frozen.add(pid);
      else frozen.delete(pid);
    } catch {
      /* gone */
    }
  }
}

/** Workers frozen right now: thawed whatever way the bench ends, so that none is left stopped. */
const frozen = new Set<number>();
process.on('exit', () => {
  for (const pid of frozen) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** One arm set up for one N: its workers, receivers, sink and sender, and what its windows measured. */
interface ArmRun {
  name: ArmName;
  arm: Arm;
  sink: Sink;
  sender: RtpSender;
  /** The sender has been started (then it is paused and resumed). */
  started: boolean;
  consumers: ReceiverConsumer[];
  setupS: number;
  notFlowing: number;
  seconds: number;
  cpuEach: number[];
  received: number;
  expected: number;
  lost: number;
  silent: number;
  /** Video consumers not on the asked layer at the end of a window (most of any window). */
  offLayer: number;
  sentForwarded: number;
  sentAll: number;
  keyFrames: number;
  nacks: number;
  udpErrors: number;
  benchCpu: number;
  /** µs per packet of each window, to show the spread. */
  windowUs: number[];
  windowLoss: number[];
  /** Core 0 during each window, % by state: user, system, irq+softirq, steal, idle. */
  windowCore: number[][];
  maxSendGapMs: number;
}

interface ArmResult {
  workerCpuPct: number;
  workerCpuPctEach: number[];
  ppsOut: number;
  ppsIn: number;
  usPerPacket: number;
  lossPct: number;
  /** Received at the sink over what the senders sent of the forwarded streams × receivers. */
  deliveredRatio: number;
  silentConsumers: number;
  offLayer: number;
  /** Packets the worker counted as sent (consumer stats) that never reached the sink, whole run. */
  sinkDropped: number;
  udpRcvbufErrors: number;
  benchCpuPct: number;
  keyFramesInWindow: number;
  nacksInWindow: number;
  setupS: number;
  notFlowing: number;
  windowUs: number[];
  windowLoss: number[];
  windowCore: number[][];
  maxSendGapMs: number;
}

/** Consumers forwarding since `since` (a sink snapshot), the video ones on the asked layer. */
function flowingCount(run: ArmRun, since: Map<number, CounterSnapshot>, layer: number): number {
  let n = 0;
  for (const c of run.consumers) {
    const received = run.sink.counters.get(c.ssrc)?.received ?? 0;
    if (received <= (since.get(c.ssrc)?.received ?? 0)) continue;
    if (c.kind === 'video' && c.consumer.currentLayers?.spatialLayer !== layer) continue;
    n++;
  }
  return n;
}

async function waitFlowing(run: ArmRun, since: Map<number, CounterSnapshot>, layer: number): Promise<number> {
  const deadline = performance.now() + 20_000;
  while (flowingCount(run, since, layer) < run.consumers.length && performance.now() < deadline) await sleep(100);
  return run.consumers.length - flowingCount(run, since, layer);
}

/**
 * Fresh workers for one arm, its producers and N receivers (consumers resumed), before any
 * media flows: the setup time is the control path alone, and the arm set up second is not
 * slowed down by the first one's traffic.
 */
async function prepare(name: ArmName, receivers: number, armOptions: ArmOptions): Promise<ArmRun> {
  const sink = new Sink();
  await sink.open(receivers);
  const sender = new RtpSender();
  const arm = name === 'ours' ? await createOurArm(armOptions, sender) : await createBareArm(armOptions, sender);
  const run: ArmRun = {
    name,
    arm,
    sink,
    sender,
    started: false,
    consumers: [],
    setupS: 0,
    notFlowing: 0,
    seconds: 0,
    cpuEach: arm.workerPids.map(() => 0),
    received: 0,
    expected: 0,
    lost: 0,
    silent: 0,
    offLayer: 0,
    sentForwarded: 0,
    sentAll: 0,
    keyFrames: 0,
    nacks: 0,
    udpErrors: 0,
    benchCpu: 0,
    windowUs: [],
    windowLoss: [],
    windowCore: [],
    maxSendGapMs: 0,
  };
  const setupStart = performance.now();
  const indices = Array.from({ length: receivers }, (_, i) => i);
  await inBatches(indices, 16, (i) =>
    arm.addReceiver(i, sink.endpoint(i), (c) => {
      sink.register(c.ssrc, c.kind);
      run.consumers.push(c);
    }),
  );
  run.setupS = (performance.now() - setupStart) / 1000;
  await sleep(200);
  signalWorkers(run, 'SIGSTOP');
  return run;
}

/** Feeds one arm, waits until all its consumers forward again, warms up, then measures one window. */
async function phase(run: ArmRun, options: Options, windowS: number): Promise<void> {
  const resumedAt = run.sink.snapshot();
  signalWorkers(run, 'SIGCONT');
  if (run.started) run.sender.resume();
  else await run.sender.start(run.arm.videoIn, run.arm.audioIn);
  run.started = true;
  const notFlowing = await waitFlowing(run, resumedAt, options.layer);
  if (notFlowing > 0) log(`${run.name}: ${notFlowing} consumers not forwarding on the asked layer 20 s after the feed resumed`);
  run.notFlowing = Math.max(run.notFlowing, notFlowing);
  await sleep(options.warmupS * 1000);

  const pids = run.arm.workerPids;
  const sent0: SenderCounts = run.sender.counts();
  const udp0 = udpRcvbufErrors();
  const bench0 = process.cpuUsage();
  const cpu0 = pids.map(cpuSeconds);
  const core0 = coreTimes(WORKER_CORE);
  const t0 = performance.now();
  const snap0 = run.sink.snapshot();
  await sleep(windowS * 1000);
  const snap1 = run.sink.snapshot();
  const cpu1 = pids.map(cpuSeconds);
  const core1 = coreTimes(WORKER_CORE);
  const t1 = performance.now();
  const bench1 = process.cpuUsage(bench0);
  const udp1 = udpRcvbufErrors();
  const sent1 = run.sender.counts();
  run.sender.pause();

  const w = windowFigures(run.sink, snap0, snap1);
  const cpu = pids.reduce((sum, _, i) => sum + cpu1[i]! - cpu0[i]!, 0);
  pids.forEach((_, i) => (run.cpuEach[i]! += cpu1[i]! - cpu0[i]!));
  run.seconds += (t1 - t0) / 1000;
  run.received += w.received;
  run.expected += w.expected;
  run.lost += w.lost;
  run.silent = Math.max(run.silent, w.silent);
  run.offLayer = Math.max(run.offLayer, run.consumers.filter((c) => c.kind === 'video' && c.consumer.currentLayers?.spatialLayer !== options.layer).length);
  run.sentForwarded += sent1.audio - sent0.audio + (sent1.video[options.layer]! - sent0.video[options.layer]!);
  run.sentAll += sent1.audio - sent0.audio + sent1.video.reduce((a, v, i) => a + v - sent0.video[i]!, 0);
  run.keyFrames += sent1.keyFrames.reduce((a, k, i) => a + k - sent0.keyFrames[i]!, 0);
  run.nacks += sent1.nackedPackets - sent0.nackedPackets;
  run.maxSendGapMs = Math.max(run.maxSendGapMs, sent1.maxTickGapMs);
  run.udpErrors += udp1 - udp0;
  run.benchCpu += (bench1.user + bench1.system) / 1e6;
  run.windowUs.push(w.received > 0 ? (cpu * 1e6) / w.received : NaN);
  const ticks = core1.map((v, i) => v - core0[i]!);
  const total = ticks.reduce((a, b) => a + b, 0) || 1;
  run.windowCore.push(ticks.map((t) => round((t / total) * 100, 1)));
  run.windowLoss.push(w.expected > 0 ? (w.lost / w.expected) * 100 : NaN);
  await sleep(300);
  signalWorkers(run, 'SIGSTOP');
}

/** The whole run's figures for one arm; asks the worker how much each consumer sent, then closes the arm. */
async function finish(run: ArmRun, receivers: number): Promise<ArmResult> {
  signalWorkers(run, 'SIGCONT');
  try {
    let workerSent = 0;
    await inBatches(run.consumers, 64, async (c) => {
      const stats = await c.consumer.getStats();
      workerSent += stats.find((s) => s.type === 'outbound-rtp')?.packetCount ?? 0;
    });
    let sinkReceived = 0;
    for (const c of run.consumers) sinkReceived += run.sink.counters.get(c.ssrc)?.received ?? 0;
    const cpu = run.cpuEach.reduce((a, b) => a + b, 0);
    return {
      workerCpuPct: (cpu / run.seconds) * 100,
      workerCpuPctEach: run.cpuEach.map((c) => round((c / run.seconds) * 100, 1)),
      ppsOut: run.received / run.seconds,
      ppsIn: run.sentAll / run.seconds,
      usPerPacket: run.received > 0 ? (cpu * 1e6) / run.received : NaN,
      lossPct: run.expected > 0 ? (run.lost / run.expected) * 100 : NaN,
      deliveredRatio: run.sentForwarded > 0 ? run.received / (run.sentForwarded * receivers) : NaN,
      silentConsumers: run.silent,
      offLayer: run.offLayer,
      sinkDropped: workerSent - sinkReceived,
      udpRcvbufErrors: run.udpErrors,
      benchCpuPct: (run.benchCpu / run.seconds) * 100,
      keyFramesInWindow: run.keyFrames,
      nacksInWindow: run.nacks,
      setupS: run.setupS,
      notFlowing: run.notFlowing,
      windowUs: run.windowUs,
      windowLoss: run.windowLoss,
      windowCore: run.windowCore,
      maxSendGapMs: run.maxSendGapMs,
    };
  } finally {
    run.sender.stop();
    await run.arm.close();
    run.sink.close();
  }
}

/**
 * Both arms for one N: set up side by side (each on its own fresh workers; only one is fed at
 * a time, the other idles), then measured in four half-windows A B B A so that a drift in the machine's state
 * weighs on both alike. A is ours on even runs and bare on odd ones.
 */
async function measurePair(receivers: number, options: Options, armOptions: ArmOptions, first: ArmName): Promise<Record<ArmName, ArmResult>> {
  const second: ArmName = first === 'ours' ? 'bare' : 'ours';
  const runs: Partial<Record<ArmName, ArmRun>> = {};
  try {
    runs[first] = await prepare(first, receivers, armOptions);
    runs[second] = await prepare(second, receivers, armOptions);
    const a = runs[first];
    const b = runs[second];
    for (const run of [a, b, b, a]) await phase(run, options, options.windowS / 2);
    return { ours: await finish(runs.ours!, receivers), bare: await finish(runs.bare!, receivers) };
  } finally {
    for (const run of Object.values(runs)) {
      signalWorkers(run, 'SIGCONT');
      run.sender.stop();
      await run.arm.close();
      run.sink.close();
    }
    await sleep(300);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  pinLoadGenerator();
  const workerCpus = LOAD_CPUS ? '0' : undefined;
  const layer = LAYERS[options.layer]!;
  log(
    `receivers ${options.receivers.join(',')}; workers ${options.workers.join(',')}; video consumers on spatial layer ${options.layer} (${layer.height}p, ${layer.bitrate / 1000} kbps); ` +
      `window ${options.windowS} s per arm (2 × ${options.windowS / 2} s, ABBA) after ${options.warmupS} s warm-up; pinning ${workerCpus ? 'workers→core 0, bench→core 1' : 'off'}; ${cpus().length} cores`,
  );
  log(
    `senders: synthetic VP8 simulcast ${LAYERS.map((l) => `${l.height}p ${l.bitrate / 1000} kbps`).join(' / ')} at 30 fps (3 SSRCs, RFC 7741 descriptors, keyframes on PLI/FIR) ` +
      `and Opus 20 ms (50 pps, audio level) as plain RTP into comedia PlainTransports; receivers: one PlainTransport each (comedia off, rtcp-mux) ` +
      `with an audio and a video consumer, sent to UDP sink sockets in this process (one per 50 receivers) that count per consumer SSRC and read sequence gaps`,
  );
  let run = 0;
  for (const workers of options.workers) {
    for (const receivers of options.receivers) {
      const armOptions: ArmOptions = { workers, layer: options.layer, rtcMinPort: 44000, rtcMaxPort: 47999, workerCpus };
      const first: ArmName = run++ % 2 === 0 ? 'ours' : 'bare';
      const results = await measurePair(receivers, options, armOptions, first);
      for (const arm of ['ours', 'bare'] as const) {
        const result = results[arm];
        log(
          `${arm} N=${receivers} w=${workers}: cpu ${round(result.workerCpuPct)}% pps_out ${Math.round(result.ppsOut)} ` +
            `${round(result.usPerPacket, 2)} µs/pkt (windows ${result.windowUs.map((u) => round(u, 2)).join(', ')}) loss ${round(result.lossPct, 3)}% (${result.windowLoss.map((l) => round(l, 3)).join(', ')}) nacked ${result.nacksInWindow} ` +
            `setup ${round(result.setupS)} s bench cpu ${round(result.benchCpuPct)}%; core ${WORKER_CORE} usr/sys/irq/steal/idle ${result.windowCore.map((c) => c.join('/')).join(', ')}`,
        );
      }
      const { ours, bare } = results;
      console.log(
        JSON.stringify({
          bench: 'fanout',
          receivers,
          consumers: receivers * 2,
          workers,
          layer: `${layer.height}p`,
          worker_cpu_pct: round(ours.workerCpuPct),
          pps_out: Math.round(ours.ppsOut),
          us_per_packet: round(ours.usPerPacket, 2),
          bare_us_per_packet: round(bare.usPerPacket, 2),
          overhead_ratio: round(ours.usPerPacket / bare.usPerPacket, 3),
          loss_pct: round(ours.lossPct, 3),
          bare_worker_cpu_pct: round(bare.workerCpuPct),
          bare_pps_out: Math.round(bare.ppsOut),
          bare_loss_pct: round(bare.lossPct, 3),
          ...(workers > 1 ? { worker_cpu_pct_each: ours.workerCpuPctEach, bare_worker_cpu_pct_each: bare.workerCpuPctEach } : {}),
          pps_in: Math.round(ours.ppsIn),
          delivered_ratio: round(ours.deliveredRatio, 4),
          bare_delivered_ratio: round(bare.deliveredRatio, 4),
          silent_consumers: ours.silentConsumers + bare.silentConsumers,
          off_layer: ours.offLayer + bare.offLayer,
          not_flowing: ours.notFlowing + bare.notFlowing,
          sink_dropped: ours.sinkDropped + bare.sinkDropped,
          udp_rcvbuf_errors: ours.udpRcvbufErrors + bare.udpRcvbufErrors,
          keyframes_in_window: ours.keyFramesInWindow + bare.keyFramesInWindow,
          nacks_in_window: ours.nacksInWindow + bare.nacksInWindow,
          bench_cpu_pct: round(Math.max(ours.benchCpuPct, bare.benchCpuPct)),
          max_send_gap_ms: round(Math.max(ours.maxSendGapMs, bare.maxSendGapMs)),
          // Core 0 (the workers') during the windows: the least idle and the most stolen by other processes or the hypervisor.
          core0_min_idle_pct: Math.min(...[...ours.windowCore, ...bare.windowCore].map((c) => c[4]!)),
          core0_max_steal_pct: Math.max(...[...ours.windowCore, ...bare.windowCore].map((c) => c[3]!)),
          setup_s: round(ours.setupS, 1),
          bare_setup_s: round(bare.setupS, 1),
          us_per_packet_windows: ours.windowUs.map((u) => round(u, 2)),
          bare_us_per_packet_windows: bare.windowUs.map((u) => round(u, 2)),
          window_s: options.windowS,
          order: first === 'ours' ? 'ours,bare,bare,ours' : 'bare,ours,ours,bare',
        }),
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
