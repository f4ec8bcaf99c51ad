import type { ChildProcess } from 'node:child_process';

export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves true once the process has exited, false if it has not within `timeoutMs`. */
export function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!running(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Ends a child process: `signal` first (SIGINT lets an encoder finish its files), SIGKILL if it has
 * not exited after `graceMs` (an ffmpeg waiting on an input that sends nothing ignores SIGINT).
 * Resolves once it is gone.
 */
export async function endProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!running(child)) return;
  child.kill(signal);
  if (await exited(child, graceMs)) return;
  child.kill('SIGKILL');
  await exited(child, 5000);
}
