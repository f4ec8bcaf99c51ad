import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createConsultation, flushRedis, joinAs, ok, redisUrl, sleep, startServer, tokenFor, type Harness } from '../helpers/harness.js';

/**
 * Can a secret ballot be tied to its voter by someone who reads the stored bytes, write order
 * included? For each ballot, the attacker narrows its voter to those whose roll entry was written
 * next after the ballot's box entry. That set must hold at least 10 voters (or every voter
 * when fewer vote).
 */

const ELIGIBLE = 23;
const VOTING = 21;
const secretOf = (n: number) => n.toString(16).padStart(32, 'b');
const nonceOf = (n: number) => n.toString(16).padStart(32, 'e');

type Observation = { kind: 'box'; receipts: (string | null)[] } | { kind: 'roll'; voters: string[] };

interface Vote {
  h: Harness;
  consultationId: string;
  motionId: string;
  voterIds: string[];
}

/** 21 of 23 present members vote one after another, unawaited (answers come batch by batch); two change their vote; then the close. */
async function runSecretVote(h: Harness, during?: () => void): Promise<Vote> {
  const c = await createConsultation(h.url, {
    title: '无记名表决',
    sites: [{ id: 's', name: '市本级' }],
    participants: [
      { name: 'chair', role: 'moderator', siteId: 's' },
      ...Array.from({ length: ELIGIBLE }, (_, i) => ({ name: `m${i}`, role: 'member', siteId: 's' })),
    ],
  });
  const chair = await joinAs(h.url, tokenFor(c, 'chair'));
  const members = await Promise.all(Array.from({ length: ELIGIBLE }, (_, i) => joinAs(h.url, tokenFor(c, `m${i}`))));
  const { motion } = await ok(chair.socket, 'motion.create', { title: '人选', ballot: 'secret', allowChange: true });
  const motionId = motion.definition.id;
  await ok(chair.socket, 'motion.open', { motionId });
  const answers: Promise<unknown>[] = [];
  for (let i = 0; i < VOTING; i++) {
    during?.();
    answers.push(
      ok(members[i]!.socket, 'motion.vote', {
        motionId,
        ballotId: `v${i}`,
        choices: [i % 3 ? 'for' : 'against'],
        ballotSecret: secretOf(i + 1),
        ballotNonce: nonceOf(i + 1),
      }),
    );
    await sleep(15);
  }
  // The first batch is sealed by now; two of its voters change their mind.
  await answers[0];
  for (const i of [0, 1])
    answers.push(
      ok(members[i]!.socket, 'motion.vote', {
        motionId,
        ballotId: `c${i}`,
        choices: ['abstain'],
        ballotSecret: secretOf(i + 1),
        ballotNonce: nonceOf(100 + i),
      }),
    );
  await sleep(50);
  during?.();
  const { motion: closed } = await ok(chair.socket, 'motion.close', { motionId });
  await Promise.all(answers);
  during?.();
  expect(closed.result).toMatchObject({ ballots: VOTING });
  for (const x of [chair, ...members]) x.socket.disconnect();
  return { h, consultationId: c.id, motionId, voterIds: members.slice(0, VOTING).map((m) => m.snapshot.self.id) };
}

/**
 * From a sequence of observations (box writes and roll writes, in order), the set of voters each
 * new receipt can be narrowed to: those added to the roll by the first roll write after it.
 * Entries without a receipt (ballots overridden before they were written, padding) are nobody's.
 */
function anonymitySets(observations: Observation[]): number[] {
  const seen = new Set<string | null>();
  const sets: number[] = [];
  observations.forEach((o, i) => {
    if (o.kind !== 'box') return;
    const fresh = o.receipts.filter((r): r is string => r !== null && !seen.has(r));
    for (const r of o.receipts) seen.add(r);
    if (fresh.length === 0) return;
    const next = observations.slice(i + 1).find((x) => x.kind === 'roll');
    const candidates = next?.kind === 'roll' ? next.voters.length : 0;
    for (let k = 0; k < fresh.length; k++) sets.push(candidates);
  });
  return sets;
}

/** The commands of Redis's append-only file (RESP arrays). */
function parseResp(text: Buffer): string[][] {
  const commands: string[][] = [];
  let pos = 0;
  const line = () => {
    const end = text.indexOf('\r\n', pos);
    const value = text.toString('utf8', pos, end);
    pos = end + 2;
    return value;
  };
  while (pos < text.length) {
    const header = line();
    if (!header.startsWith('*')) continue;
    const n = Number(header.slice(1));
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = Number(line().slice(1));
      args.push(text.toString('utf8', pos, pos + len));
      pos += len + 2;
    }
    commands.push(args);
  }
  return commands;
}

describe('a secret ballot cannot be tied to its voter from the stored bytes', () => {
  // The requirement: no fewer than 10 voters (MIX_SIZE is what the code uses to meet it).
  const k = Math.min(10, VOTING);

  it('in the embedded store: every change of the box and roll files, watched as they are written', async () => {
    const h = await startServer();
    try {
      // An attacker reading the disk after every write: the box's receipts and the roll's bytes.
      const snapshots: { receipts: (string | null)[]; roll: string }[] = [];
      let dir: string | null = null;
      const look = () => {
        if (!dir) {
          const base = path.join(h.config.dataDir, 'ballots');
          const consultation = readdirSync(base, { withFileTypes: true }).find((d) => d.isDirectory());
          if (!consultation) return;
          dir = path.join(base, consultation.name);
        }
        const files = readdirSync(dir);
        const boxFile = files.find((f) => f.endsWith('.box'));
        const rollFile = files.find((f) => f.endsWith('.roll'));
        if (!boxFile || !rollFile) return;
        const receipts = readFileSync(path.join(dir, boxFile), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { receiptHash: string | null }).receiptHash);
        const roll = readFileSync(path.join(dir, rollFile), 'latin1');
        const last = snapshots.at(-1);
        if (!last || last.receipts.length !== receipts.length || last.roll !== roll) snapshots.push({ receipts, roll });
      };
      const safeLook = () => {
        try {
          look();
        } catch {
          /* not created yet */
        }
      };
      const watcher = setInterval(safeLook, 1);
      await runSecretVote(h, safeLook);
      clearInterval(watcher);
      look();
      // Turn the snapshots into writes: receipts added to the box, voters (roll slots) added to the roll.
      const observations: Observation[] = [];
      snapshots.forEach((snap, i) => {
        const before = snapshots[i - 1] ?? { receipts: [], roll: '' };
        if (snap.receipts.length > before.receipts.length) observations.push({ kind: 'box', receipts: snap.receipts.slice(before.receipts.length) });
        const added = Array.from(snap.roll).flatMap((ch, slot) => (ch === '1' && before.roll[slot] !== '1' ? [String(slot)] : []));
        if (added.length > 0) observations.push({ kind: 'roll', voters: added });
      });
      const sets = anonymitySets(observations);
      expect(sets).toHaveLength(VOTING);
      expect(Math.min(...sets)).toBeGreaterThanOrEqual(k);
    } finally {
      await h.close();
    }
  });

  it.runIf(redisUrl)('in Redis: every command of the append-only file, in order', async () => {
    await flushRedis();
    const h = await startServer({ store: 'redis' });
    try {
      const { consultationId, motionId, voterIds } = await runSecretVote(h);
      const redis = new Redis(redisUrl!);
      const [, dir] = (await redis.config('GET', 'dir')) as [string, string];
      const [, aofDir] = (await redis.config('GET', 'appenddirname')) as [string, string];
      await redis.quit();
      const folder = path.join(dir, aofDir);
      const aof = Buffer.concat(
        readdirSync(folder)
          .filter((f) => f.endsWith('.incr.aof'))
          .sort()
          .map((f) => readFileSync(path.join(folder, f))),
      );
      const boxKey = `consult:box:${consultationId}:${motionId}`;
      const rollKey = `consult:roll:${consultationId}:${motionId}`;
      const observations = parseResp(aof).flatMap((cmd): Observation[] => {
        const [name, key, ...args] = cmd;
        if (name?.toUpperCase() === 'RPUSH' && key === boxKey)
          return [{ kind: 'box', receipts: args.map((a) => (JSON.parse(a) as { receiptHash: string | null }).receiptHash) }];
        if (name?.toUpperCase() === 'SADD' && key === rollKey) return [{ kind: 'roll', voters: args }];
        return [];
      });
      // Every voter is in the roll, and no command holds a voter and a ballot together.
      expect(new Set(observations.flatMap((o) => (o.kind === 'roll' ? o.voters : [])))).toEqual(new Set(voterIds));
      const sets = anonymitySets(observations);
      expect(sets).toHaveLength(VOTING);
      expect(Math.min(...sets)).toBeGreaterThanOrEqual(k);
    } finally {
      await h.close();
    }
  });
});
