import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { StreamView } from '@consult/shared';
import { ADMIN_TOKEN, createConsultation, joinAs, ok, sleep, tempDir, tokenFor, type ClientSocket } from '../helpers/harness.js';
import { startMainProcess } from '../helpers/serverProcess.js';

/** The pids of processes whose command line names `marker` (our ffmpeg encoders carry the data directory). */
function processesNaming(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function streamUntil(socket: ClientSocket, match: (s: StreamView) => boolean, timeoutMs: number): Promise<StreamView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stream } = await ok(socket, 'stream.state', {});
    if (match(stream)) return stream;
    if (Date.now() > deadline) throw new Error(`stream never matched; last: ${JSON.stringify(stream)}`);
    await sleep(250);
  }
}

describe('the public stream encoder', () => {
  it('starts with nobody on camera, says when it fails and comes back, and leaves no ffmpeg behind at shutdown', async () => {
    const dataDir = tempDir('consult-stream-');
    const server = await startMainProcess({ DATA_DIR: dataDir, ADMIN_TOKEN, HANDSHAKES_PER_ADDRESS: '1000' });
    try {
      const c = await createConsultation(server.url);
      const chair = await joinAs(server.url, tokenFor(c, '主持人'));
      // Nobody has a camera: the encoder starts on the generated background and silence.
      const { stream } = await ok(chair.socket, 'stream.start', { record: false });
      expect(stream).toMatchObject({ live: true });
      const running = await streamUntil(chair.socket, (s) => s.encoder === 'running', 30_000);
      expect(running.retries).toBe(0);
      expect((await fetch(`${server.url}/live/${c.id}/info`)).status).toBe(200);
      const encoders = processesNaming(dataDir);
      expect(encoders.length).toBeGreaterThan(0);

      // The encoder dies: everyone is told the truth (restarting), and it comes back by itself.
      const interrupted = new Promise<StreamView>((resolve) =>
        chair.socket.on('stream.changed', ({ stream: s }) => {
          if (s.encoder === 'restarting') resolve(s);
        }),
      );
      for (const pid of encoders) process.kill(pid, 'SIGKILL');
      expect(await interrupted).toMatchObject({ live: true, encoder: 'restarting', retries: 1 });
      await streamUntil(chair.socket, (s) => s.encoder === 'running', 30_000);
      chair.socket.disconnect();
    } finally {
      // Stopped as an operator stops it: every encoder ends with the server.
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
    expect(processesNaming(dataDir)).toEqual([]);
  });
});
