import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Peak resident memory (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Child pids of a process (the mediasoup workers of the server). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * On this 2-core machine the server, its mediasoup workers, the signalling clients and
 * several Chromiums compete for the same cores; in production the browsers run elsewhere.
 * The benchmarks therefore pin the server (and its workers) to core 0 and the load
 * generators to core 1. BENCH_PIN=0 turns this off.
 */
const PIN = process.env.BENCH_PIN !== '0' && cpus().length >= 2;
const SERVER_CPUS = PIN ? '0' : undefined;
export const LOAD_CPUS = PIN ? '1' : undefined;

/** Pins this process (the load generator) to the load cores. */
export function pinLoadGenerator(): void {
  if (LOAD_CPUS) execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPUS, String(process.pid)], { stdio: 'ignore' });
}

/** A Chromium launcher script pinned to the load cores (puppeteer takes an executable path). */
export function pinnedChromium(chromium: string): string {
  if (!LOAD_CPUS) return chromium;
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-chromium-'));
  const file = path.join(dir, 'chromium');
  writeFileSync(file, `#!/bin/sh\nexec taskset -c ${LOAD_CPUS} ${chromium} "$@"\n`, { mode: 0o755 });
  return file;
}

/** A Node.js server process pinned to the server's core (when pinning is on). */
export function spawnPinnedServer(args: string[], env: Record<string, string>, stdout: 'ignore' | 'inherit' = 'ignore'): ChildProcess {
  const [command, argv] = SERVER_CPUS ? ['taskset', ['-c', SERVER_CPUS, process.execPath, ...args]] : [process.execPath, args];
  return spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] });
}

/** Waits until a URL answers 2xx (a server starting). */
export async function waitForHttp(url: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Starts the built server as its own process, so its memory and event loop are measured alone. */
export async function startServerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // BENCH_NODE_ARGS (e.g. --cpu-prof) profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // Every load generator connects from one address: the per-address handshake limit is not what is measured.
  const child = spawnPinnedServer([...nodeArgs, 'server/dist/main.js'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RTC_LISTEN_IP: '127.0.0.1',
    HANDSHAKES_PER_ADDRESS: '1000000',
    CLIENT_DIR: 'client/dist-e2e',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health`);
  } catch (err) {
    child.kill();
    throw err;
  }
  return { child, url };
}

export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ').pop()) : NaN;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds the whole machine has spent busy (all cores) since boot. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/** This process and all its descendants. */
function processTree(root = process.pid): number[] {
  const all = [root];
  for (let i = 0; i < all.length; i++) {
    for (const task of safeList(`/proc/${all[i]}/task`)) all.push(...childPidsOfTask(all[i]!, task));
  }
  return [...new Set(all)];
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function childPidsOfTask(pid: number, task: string): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user + system) a process has used, 0 if it is gone. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * Where the CPU went while a benchmark ran, in % of one core (200 = both cores of this machine):
 * `server` is the server process and its children (mediasoup workers), `load` the rest of this
 * process tree (the load generators), `other` everything else on the machine (other people's
 * tests and benchmarks: noise). Start it before the measured burst, call the result after it.
 */
export function cpuMeter(serverPid: number): () => { server: number; load: number; other: number } {
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const before = new Map(processTree().map((pid) => [pid, processCpuSeconds(pid)]));
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const busy = machineBusySeconds() - busy0;
    const serverTree = new Set(processTree(serverPid));
    let server = 0;
    let load = 0;
    for (const pid of processTree()) {
      const used = processCpuSeconds(pid) - (before.get(pid) ?? 0);
      if (serverTree.has(pid)) server += used;
      else load += used;
    }
    const pct = (s: number) => (100 * s) / seconds;
    return { server: pct(server), load: pct(load), other: pct(Math.max(0, busy - server - load)) };
  };
}
