import { describe, expect, it } from 'vitest';
import { ballotCommitment } from '@consult/shared';
import { receiptOf } from '../../server/src/domain/chain.js';
import { ADMIN_TOKEN, createConsultation, joinAs, ok, sleep, startServer, tempDir, tokenFor, type ClientSocket } from '../helpers/harness.js';
import { startServerProcess } from '../helpers/serverProcess.js';

const MEMBERS = 12;
const DELAY_MS = 700;

const COMMITTEE = {
  title: '断电测试',
  agenda: [{ title: '议题一' }],
  sites: [{ id: 'city', name: '市本级' }],
  participants: [
    { name: 'chair', role: 'moderator', siteId: 'city' },
    ...Array.from({ length: MEMBERS }, (_, i) => ({ name: `m${i}`, role: 'member', siteId: 'city' })),
  ],
};

/** Sends a request and notes when (if ever) its ack said ok. */
function send(socket: ClientSocket, name: string, payload: unknown, acked: Set<string>, key: string): void {
  (socket.emit as (n: string, p: unknown, ack: (r: { ok: boolean }) => void) => void)(name, payload, (reply) => {
    if (reply.ok) acked.add(key);
  });
}

describe('an acknowledgement means the change is on disk (SIGKILL between ack and fsync)', () => {
  it('loses no acknowledged ballot or queue entry when the server is killed with retries in flight', async () => {
    const dataDir = tempDir();
    // Every write reaches the disk 700 ms after it is asked for.
    const server = await startServerProcess('slowDiskServer.ts', {
      DATA_DIR: dataDir,
      STORE_DELAY_MS: String(DELAY_MS),
      ADMIN_TOKEN,
      RECONNECT_GRACE_MS: '60000',
    });
    let killed = false;
    try {
      const c = await createConsultation(server.url, COMMITTEE);
      const chair = await joinAs(server.url, tokenFor(c, 'chair'));
      const members = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => joinAs(server.url, tokenFor(c, `m${i}`))));
      const { motion } = await ok(chair.socket, 'motion.create', { title: '记名表决' });
      const motionId = motion.definition.id;
      await ok(chair.socket, 'motion.open', { motionId });

      // Member i votes at i×120 ms and, as a client does when an answer is slow, sends the same
      // ballot again 150 ms later; every other member also asks for the floor twice.
      const ballots = new Set<string>();
      const entries = new Set<string>();
      members.forEach(({ socket }, i) => {
        setTimeout(() => {
          const ballot = { motionId, ballotId: `b${i}`, choices: ['for'] };
          send(socket, 'motion.vote', ballot, ballots, `m${i}`);
          setTimeout(() => send(socket, 'motion.vote', ballot, ballots, `m${i}`), 150);
          if (i % 2 === 0) {
            send(socket, 'floor.request', { type: 'speech', note: '' }, entries, `m${i}`);
            setTimeout(() => send(socket, 'floor.request', { type: 'speech', note: '' }, entries, `m${i}`), 150);
          }
        }, i * 120);
      });
      // Kill while later ballots and their retries wait for the disk.
      await sleep(1100);
      const ackedBallots = [...ballots];
      const ackedEntries = [...entries];
      await server.kill();
      killed = true;
      // The test must be able to fail: some answers came, others were still waiting.
      expect(ackedBallots.length).toBeGreaterThan(0);
      expect(ackedBallots.length).toBeLessThan(MEMBERS);

      const again = await startServer({ dataDir });
      try {
        const state = again.app.consultations.get(c.id)!;
        const ids = new Map(c.participants.map((p) => [p.name, p.id]));
        const stored = state.motions[motionId]!.named;
        const queued = new Set((state.floor.queues[state.floor.agendaItemId] ?? []).map((e) => e.participantId));
        for (const name of ackedBallots) expect(stored[ids.get(name)!], `${name}'s acknowledged ballot`).toBeDefined();
        for (const name of ackedEntries) expect(queued.has(ids.get(name)!), `${name}'s acknowledged queue entry`).toBe(true);
      } finally {
        await again.close();
      }
      for (const x of [chair, ...members]) x.socket.disconnect();
    } finally {
      if (!killed) await server.kill();
    }
  });

  it('loses no acknowledged change of a secret ballot', async () => {
    const dataDir = tempDir();
    const server = await startServerProcess('slowDiskServer.ts', {
      DATA_DIR: dataDir,
      STORE_DELAY_MS: String(DELAY_MS),
      ADMIN_TOKEN,
      RECONNECT_GRACE_MS: '60000',
    });
    let killed = false;
    try {
      const c = await createConsultation(server.url, COMMITTEE);
      const chair = await joinAs(server.url, tokenFor(c, 'chair'));
      const members = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => joinAs(server.url, tokenFor(c, `m${i}`))));
      const { motion } = await ok(chair.socket, 'motion.create', { title: '无记名表决', ballot: 'secret', allowChange: true });
      const motionId = motion.definition.id;
      await ok(chair.socket, 'motion.open', { motionId });
      const secret = (i: number) => i.toString(16).padStart(32, 'c');
      const nonce = (i: number) => i.toString(16).padStart(32, 'd');
      // Everyone votes: the batch is sealed once the last ballot is in.
      await Promise.all(
        members.map(({ socket }, i) =>
          ok(socket, 'motion.vote', { motionId, ballotId: `v${i}`, choices: ['for'], ballotSecret: secret(i + 1), ballotNonce: nonce(i + 1) }),
        ),
      );
      // Then each changes their mind (written at once, one after another), and sends it again.
      const changed = new Set<string>();
      members.forEach(({ socket }, i) => {
        setTimeout(() => {
          const ballot = { motionId, ballotId: `c${i}`, choices: ['against'], ballotSecret: secret(i + 1), ballotNonce: nonce(100 + i) };
          const receipt = receiptOf(motionId, secret(i + 1));
          send(socket, 'motion.vote', ballot, changed, receipt);
          setTimeout(() => send(socket, 'motion.vote', ballot, changed, receipt), 150);
        }, i * 120);
      });
      await sleep(1100);
      const acked = [...changed];
      await server.kill();
      killed = true;
      expect(acked.length).toBeGreaterThan(0);
      expect(acked.length).toBeLessThan(MEMBERS);

      const again = await startServer({ dataDir });
      try {
        const eligible = again.app.consultations.get(c.id)!.motions[motionId]!.eligible;
        const { entries } = await again.app.store.ballots.load(c.id, motionId, eligible);
        const latest = new Map(entries.filter((e) => e.receiptHash !== null).map((e) => [e.receiptHash, e]));
        expect(latest.size).toBe(MEMBERS);
        for (const hash of acked) {
          const i = members.findIndex((_, j) => receiptOf(motionId, secret(j + 1)) === hash);
          expect(latest.get(hash), `acknowledged change ${hash.slice(0, 8)}`).toMatchObject({
            choices: ['against'],
            commitment: ballotCommitment(motionId, nonce(100 + i), ['against']),
          });
        }
      } finally {
        await again.close();
      }
      for (const x of [chair, ...members]) x.socket.disconnect();
    } finally {
      if (!killed) await server.kill();
    }
  });
});
