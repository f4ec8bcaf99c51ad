import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Starts the built server as its own process, so its memory and event loop are measured alone. */
export async function startServerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // BENCH_NODE_ARGS (e.g. --cpu-prof) profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const [command, args] = SERVER_CPUS ? ['taskset', ['-c', SERVER_CPUS, process.execPath, ...nodeArgs, 'server/dist/main.js']] : [process.execPath, [...nodeArgs, 'server/dist/main.js']];
  const child = spawn(command, args as string[], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RTC_LISTEN_IP: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, url };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ').pop()) : NaN;
}
