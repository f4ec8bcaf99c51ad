import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotCommitment, type MotionView } from '@consult/shared';
import { verifyMotionAudit } from '../../server/src/features/voting/verify.js';
import type { MotionAudit } from '../../server/src/features/voting/audit.js';
import {
  ADMIN_TOKEN,
  STORES,
  createConsultation,
  flushRedis,
  joinAs,
  nextEvent,
  ok,
  request,
  sleep,
  startServer,
  tempDir,
  tokenFor,
  type ClientSocket,
  type CreatedConsultation,
  type Harness,
} from '../helpers/harness.js';

const COMMITTEE = {
  title: '表决测试',
  agenda: [{ title: '议题一' }],
  sites: [
    { id: 'city', name: '市本级' },
    { id: 'lake', name: '湖滨县' },
  ],
  participants: [
    { name: '主持人', role: 'moderator', siteId: 'city' },
    ...['甲', '乙', '丙', '丁', '戊'].map((n, i) => ({ name: `委员${n}`, role: 'member', siteId: i % 2 ? 'lake' : 'city' })),
    { name: '工作室', role: 'studio', siteId: 'lake' },
    { name: '观众', role: 'observer', siteId: 'city' },
  ],
};

let ballotCounter = 0;
const ballotId = () => `ballot-${Date.now()}-${++ballotCounter}`;
const secretOf = (n: number) => n.toString(16).padStart(32, 'a');
const nonceOf = (n: number) => n.toString(16).padStart(32, 'e');

async function adminGet(h: Harness, url: string) {
  return fetch(`${h.url}${url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
}

function nextMotion(socket: ClientSocket, match: (m: MotionView) => boolean, timeoutMs = 5000): Promise<MotionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('motion.changed', on);
      reject(new Error('no matching motion.changed'));
    }, timeoutMs);
    const on = ({ motion }: { motion: MotionView }) => {
      if (!match(motion)) return;
      clearTimeout(timer);
      socket.off('motion.changed', on);
      resolve(motion);
    };
    socket.on('motion.changed', on);
  });
}

describe('voting over socket.io', () => {
  let h: Harness;
  let c: CreatedConsultation;
  let chair: Awaited<ReturnType<typeof joinAs>>;
  let members: Awaited<ReturnType<typeof joinAs>>[];
  beforeAll(async () => {
    h = await startServer();
    c = await createConsultation(h.url, COMMITTEE);
    chair = await joinAs(h.url, tokenFor(c, '主持人'));
    // Four of the five members are present; 委员戊 is not.
    members = await Promise.all(['甲', '乙', '丙', '丁'].map((n) => joinAs(h.url, tokenFor(c, `委员${n}`))));
  });
  afterAll(async () => {
    for (const x of [chair, ...members]) x.socket.disconnect();
    await h.close();
  });

  it('runs a named (roll-call) vote: refusals, retries, a change, live choices for the chair, the result for all', async () => {
    const [a, b, cc, d] = members as [typeof chair, typeof chair, typeof chair, typeof chair];
    expect(await request(a.socket, 'motion.create', { title: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const { motion } = await ok(chair.socket, 'motion.create', { title: '关于加装电梯的决议', text: '同意实施方案', majority: 'absolute' });
    expect(motion).toMatchObject({
      status: 'draft',
      definition: { kind: 'decision', ballot: 'named', options: [{ id: 'for' }, { id: 'against' }, { id: 'abstain' }] },
    });
    const id = motion.definition.id;
    expect(await request(a.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });

    const opened = nextMotion(b.socket, (m) => m.status === 'open');
    await ok(chair.socket, 'motion.open', { motionId: id });
    expect((await opened).turnout).toEqual({ voted: 0, eligible: 4 });
    expect(await request(chair.socket, 'motion.open', { motionId: id })).toMatchObject({ ok: false, error: { code: 'STALE' } });

    // Refusals change nothing.
    const studio = await joinAs(h.url, tokenFor(c, '工作室'));
    expect(await request(studio.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const late = await joinAs(h.url, tokenFor(c, '委员戊'));
    expect(await request(late.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await request(a.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['maybe'] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await request(a.socket, 'motion.vote', { motionId: 'nope', ballotId: ballotId(), choices: ['for'] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await request(a.socket, 'motion.vote', { motionId: id, choices: ['for'] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const live = nextEvent(chair.socket, 'motion.namedChoices');
    const turnoutSeen = nextEvent(b.socket, 'motion.turnout');
    const ballot = ballotId();
    const first = await ok(a.socket, 'motion.vote', { motionId: id, ballotId: ballot, choices: ['against'] });
    expect(first).toEqual({ recorded: true, changed: false, commitment: null });
    // The same ballot again (a client retry) is answered the same and stored once.
    expect(await ok(a.socket, 'motion.vote', { motionId: id, ballotId: ballot, choices: ['against'] })).toEqual(first);
    const liveChoices = await live;
    expect(liveChoices.choices).toEqual({ [a.snapshot.self.id]: ['against'] });
    expect([...liveChoices.eligible].sort()).toEqual(members.map((m) => m.snapshot.self.id).sort());
    expect((await turnoutSeen).turnout).toEqual([{ motionId: id, voted: 1, eligible: 4 }]);
    // A change of mind is a new ballot.
    expect(await ok(a.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] })).toMatchObject({ changed: true });
    await ok(b.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] });
    await ok(cc.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] });
    await ok(d.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['abstain'] });
    expect(await ok(d.socket, 'motion.list', {})).toMatchObject({ mine: { [id]: { voted: true, choices: ['abstain'] } } });

    const announced = nextMotion(studio.socket, (m) => m.status === 'closed');
    await ok(chair.socket, 'motion.close', { motionId: id });
    const result = (await announced).result!;
    // 3 for out of 5 members: more than half (3) of all members.
    expect((await announced).closeReason).toBe('moderator');
    expect(late.snapshot.myBallots[id]).toEqual({ eligible: false, voted: false, choices: null });
    expect((await ok(late.socket, 'motion.list', {})).mine[id]).toEqual({ eligible: false, voted: false, choices: null });
    expect(result).toMatchObject({
      counts: { for: 3, against: 0, abstain: 1 },
      ballots: 4,
      passed: true,
      majority: { baseKind: 'members', base: 5, threshold: 3 },
      quorum: { present: 4, members: 5, required: 3, met: true },
    });
    expect(await request(b.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['against'] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    expect(await request(chair.socket, 'motion.close', { motionId: id })).toMatchObject({ ok: false, error: { code: 'STALE' } });

    // REST: the result, and an audit export that checks out and fails when tampered with.
    const view = (await (await adminGet(h, `/api/consultations/${c.id}/motions/${id}`)).json()) as MotionView;
    expect(view.result).toEqual(result);
    const audit = (await (await adminGet(h, `/api/consultations/${c.id}/motions/${id}/audit`)).json()) as MotionAudit;
    expect(audit.events.map((e) => e.type)).toEqual([
      'motion.created',
      'motion.opened',
      'ballot.cast',
      'ballot.cast',
      'ballot.cast',
      'ballot.cast',
      'ballot.cast',
      'motion.closed',
    ]);
    expect(verifyMotionAudit(audit)).toMatchObject({ ok: true, chain: { links: 8, ok: true }, tally: { ok: true } });
    const tampered = structuredClone(audit);
    (tampered.events[3]!.data as { choices: string[] }).choices = ['against'];
    expect(verifyMotionAudit(tampered)).toMatchObject({ ok: false, chain: { ok: false } });
    const csv = await (await adminGet(h, `/api/consultations/${c.id}/motions/${id}/audit?format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('participantId,name,siteId,choices');
    expect(csv).toContain(`${a.snapshot.self.id},委员甲,city,for`);
    expect((await fetch(`${h.url}/api/consultations/${c.id}/motions/${id}`)).status).toBe(401);
    expect((await adminGet(h, `/api/consultations/${c.id}/motions/nope`)).status).toBe(404);
    studio.socket.disconnect();
    late.socket.disconnect();
  });

  it('runs a secret vote: turnout only, commitments, a published list that holds no voter and no choice, and stored data that links nothing', async () => {
    const [a, b, cc] = members as [typeof chair, typeof chair, typeof chair];
    // 委员戊, who looked in during the last vote, is gone once their reconnect grace ends: four members are present.
    while (h.app.attendance.present(c.id).filter((p) => p.role === 'member').length > 4) await sleep(50);
    const { motion } = await ok(chair.socket, 'motion.create', { title: '无记名表决', ballot: 'secret', allowChange: true });
    const id = motion.definition.id;
    await ok(chair.socket, 'motion.open', { motionId: id });
    expect(await request(a.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await request(chair.socket, 'motion.named', { motionId: id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const d = members[3]!;
    const ballotIds = [ballotId(), ballotId(), ballotId(), ballotId()];
    const cast = (voter: typeof chair, i: number, choice: string, secret = secretOf(i + 1), id2 = ballotIds[i], nonce = nonceOf(i + 1)) =>
      ok(voter.socket, 'motion.vote', { motionId: id, ballotId: id2, choices: [choice], ballotSecret: secret, ballotNonce: nonce });
    // A secret ballot needs its device's nonce too.
    expect(await request(a.socket, 'motion.vote', { motionId: id, ballotId: ballotId(), choices: ['for'], ballotSecret: secretOf(1) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    // Ballots are sealed (stored and acknowledged) together, here all four members' at once:
    // three voters' ballots are accepted and counted in the turnout, but not answered yet.
    const answers: string[] = [];
    const turnout = new Promise<{ motionId: string; voted: number; eligible: number }>((resolve) => {
      const on = ({ turnout: list }: { turnout: { motionId: string; voted: number; eligible: number }[] }) => {
        const mine = list.find((t) => t.motionId === id && t.voted === 3);
        if (mine) resolve(mine);
      };
      chair.socket.on('motion.turnout', on);
    });
    const pa = cast(a, 0, 'against').then((r) => (answers.push('a'), r));
    const pb = cast(b, 1, 'for').then((r) => (answers.push('b'), r));
    const pc = cast(cc, 2, 'abstain').then((r) => (answers.push('c'), r));
    // A retry while waiting is answered with the ballot.
    const retry = cast(a, 0, 'against');
    // Live turnout: a count, never the split.
    const seen = await turnout;
    expect(Object.keys(seen).sort()).toEqual(['eligible', 'motionId', 'voted']);
    expect(seen.eligible).toBe(4);
    expect((await ok(b.socket, 'motion.list', {})).mine[id]).toEqual({ eligible: true, voted: true, choices: null });
    // A second ballot under another secret is refused at once: one ballot per voter.
    expect(
      await request(a.socket, 'motion.vote', {
        motionId: id,
        ballotId: ballotId(),
        choices: ['against'],
        ballotSecret: secretOf(99),
        ballotNonce: nonceOf(99),
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    await sleep(300);
    expect(answers).toEqual([]);
    const rd = await cast(d, 3, 'against');
    const [ra, rb, rc] = await Promise.all([pa, pb, pc]);
    expect(answers.sort()).toEqual(['a', 'b', 'c']);
    // The server answers the commitment the device computes itself from its nonce and choices.
    expect(ra.commitment).toBe(ballotCommitment(id, nonceOf(1), ['against']));
    expect(await retry).toEqual(ra);
    expect(rd.commitment).not.toBe(ra.commitment);
    // A change of a sealed ballot (same secret, new nonce) is stored at once: it adds nobody to the roll.
    const changed = await cast(a, 0, 'for', secretOf(1), ballotId(), nonceOf(101));
    expect(changed).toEqual({ recorded: true, changed: true, commitment: ballotCommitment(id, nonceOf(101), ['for']) });
    // Another member's change while it waits for nothing: the same.
    const changedD = await cast(d, 3, 'abstain', secretOf(4), ballotId(), nonceOf(104));
    // Before the close nothing of the box is published.
    expect(await request(a.socket, 'motion.published', { motionId: id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect((await adminGet(h, `/api/consultations/${c.id}/motions/${id}/audit?format=csv`)).status).toBe(409);
    const openAudit = (await (await adminGet(h, `/api/consultations/${c.id}/motions/${id}/audit`)).json()) as MotionAudit;
    expect(openAudit.box).toBeNull();

    const closed = await ok(chair.socket, 'motion.close', { motionId: id });
    expect(closed.motion.result).toMatchObject({ counts: { for: 2, against: 0, abstain: 2 }, ballots: 4, passed: true });

    // Published: every commitment, the two overridden ones and some padding among them, sorted; nothing else.
    const published = await ok(b.socket, 'motion.published', { motionId: id });
    expect(Object.keys(published).sort()).toEqual(['commitments', 'motionId']);
    const cast6 = [ra, rb, rc, rd, changed, changedD].map((r) => r.commitment!);
    expect(published.commitments).toEqual(expect.arrayContaining(cast6));
    expect(published.commitments.length).toBeGreaterThanOrEqual(6);
    expect(published.commitments.length).toBeLessThanOrEqual(6 + 4);
    expect(published.commitments).toEqual([...published.commitments].sort());

    // The audit export verifies, including a member's commitment; it holds commitments only.
    const audit = (await (await adminGet(h, `/api/consultations/${c.id}/motions/${id}/audit`)).json()) as MotionAudit;
    expect(audit.named).toBeNull();
    expect(audit.box!.map((e) => e.commitment).sort()).toEqual(published.commitments);
    for (const entry of audit.box!) expect(Object.keys(entry).sort()).toEqual(['commitment', 'hash', 'prevHash']);
    expect(verifyMotionAudit(audit, changed.commitment!)).toMatchObject({
      ok: true,
      box: { entries: published.commitments.length, ok: true },
      tally: { ok: true, from: 'counts' },
      commitment: { found: true },
    });
    const forged = structuredClone(audit);
    forged.box![1]!.commitment = ballotCommitment(id, nonceOf(7), ['against']);
    expect(verifyMotionAudit(forged).ok).toBe(false);
    const inflated = structuredClone(audit);
    const closedEvent = inflated.events.find((e) => e.type === 'motion.closed')!.data as { result: { counts: Record<string, number> } };
    closedEvent.result.counts.for = 3;
    expect(verifyMotionAudit(inflated)).toMatchObject({ ok: false, tally: { ok: false } });
    const csv = await (await adminGet(h, `/api/consultations/${c.id}/motions/${id}/audit?format=csv`)).text();
    expect(csv.trim().split('\n')).toEqual(['commitment', ...published.commitments]);

    // What is stored: the log holds no ballot of this motion; the box holds no voter, id or time;
    // the roll is a sorted set of voters with nothing else.
    const dataDir = h.config.dataDir;
    const log = readFileSync(path.join(dataDir, 'consultations', `${c.id}.log`), 'utf8');
    const motionLines = log.split('\n').filter((l) => l.includes(id));
    expect(motionLines.map((l) => JSON.parse(l).type)).toEqual(['motion.created', 'motion.opened', 'motion.closed']);
    const boxDir = path.join(dataDir, 'ballots', c.id);
    expect(readdirSync(boxDir).sort()).toEqual([`${id}.box`, `${id}.roll`]);
    const box = readFileSync(path.join(boxDir, `${id}.box`), 'utf8');
    // The roll: one byte per eligible member, in sorted order of ids, '1' for those who voted.
    const roll = readFileSync(path.join(boxDir, `${id}.roll`), 'utf8');
    const voterIds = [a, b, cc, d].map((x) => x.snapshot.self.id);
    const eligibleSorted = [...h.app.consultations.get(c.id)!.motions[id]!.eligible].sort();
    expect(eligibleSorted).toHaveLength(4);
    expect(roll).toBe(eligibleSorted.map((pid) => (voterIds.includes(pid) ? '1' : '0')).join(''));
    for (const entry of box
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)) {
      expect(Object.keys(entry).sort()).toEqual(['choices', 'commitment', 'hash', 'prevHash', 'receiptHash']);
    }
    // Nor the device's secrets: its ballot secret and nonces stay on the device.
    for (const secretLink of [...voterIds, ...ballotIds, secretOf(1), secretOf(2), nonceOf(1), nonceOf(101)]) {
      expect(box).not.toContain(secretLink);
    }
    for (const secretLink of [...ballotIds, secretOf(1), nonceOf(1), ra.commitment!]) expect(log).not.toContain(secretLink);
  });

  it('counts 300 concurrent ballots exactly', async () => {
    const big = await createConsultation(h.url, {
      title: 'many',
      sites: [{ id: 's', name: 'S' }],
      participants: [
        { name: 'chair', role: 'moderator', siteId: 's' },
        ...Array.from({ length: 300 }, (_, i) => ({ name: `m${i}`, role: 'member', siteId: 's' })),
      ],
    });
    const boss = await joinAs(h.url, tokenFor(big, 'chair'));
    const voters = await Promise.all(Array.from({ length: 300 }, (_, i) => joinAs(h.url, tokenFor(big, `m${i}`))));
    for (const ballot of ['named', 'secret'] as const) {
      const { motion } = await ok(boss.socket, 'motion.create', { title: ballot, ballot });
      await ok(boss.socket, 'motion.open', { motionId: motion.definition.id });
      const choice = (i: number) => (['for', 'against', 'abstain'] as const)[i % 3];
      // Each voter sends their ballot twice at once (a retry racing the original).
      await Promise.all(
        voters.flatMap((v, i) => {
          const payload = {
            motionId: motion.definition.id,
            ballotId: `b-${ballot}-${i}`,
            choices: [choice(i)],
            ...(ballot === 'secret' ? { ballotSecret: secretOf(1000 + i), ballotNonce: nonceOf(1000 + i) } : {}),
          };
          return [ok(v.socket, 'motion.vote', payload), ok(v.socket, 'motion.vote', payload)];
        }),
      );
      const { motion: closed } = await ok(boss.socket, 'motion.close', { motionId: motion.definition.id });
      expect(closed.result).toMatchObject({ ballots: 300, counts: { for: 100, against: 100, abstain: 100 } });
    }
    for (const x of [boss, ...voters]) x.socket.disconnect();
  });
});

describe.each(STORES)('a restart mid-vote loses no ballot (%s store)', (store) => {
  it('keeps named and secret ballots, accepts retries and new ballots, and closes at the time limit', async () => {
    await flushRedis();
    const dataDir = tempDir();
    const first = await startServer({ store, dataDir });
    const c = await createConsultation(first.url, COMMITTEE);
    let chair = await joinAs(first.url, tokenFor(c, '主持人'));
    const names = ['甲', '乙', '丙', '丁', '戊'];
    let voters = await Promise.all(names.map((n) => joinAs(first.url, tokenFor(c, `委员${n}`))));
    const named = (await ok(chair.socket, 'motion.create', { title: 'named', timeLimitMs: 60_000 })).motion.definition.id;
    await ok(chair.socket, 'motion.open', { motionId: named });
    await ok(voters[0]!.socket, 'motion.vote', { motionId: named, ballotId: 'n0', choices: ['for'] });
    await ok(voters[1]!.socket, 'motion.vote', { motionId: named, ballotId: 'n1', choices: ['against'] });
    await ok(chair.socket, 'motion.close', { motionId: named });
    const secret = (await ok(chair.socket, 'motion.create', { title: 'secret', ballot: 'secret', timeLimitMs: 60_000, allowChange: true })).motion.definition
      .id;
    await ok(chair.socket, 'motion.open', { motionId: secret });
    const choicesOf = ['for', 'for', 'against', 'for', 'against'];
    // All five vote: their batch is sealed when the last ballot arrives.
    await Promise.all(
      voters.map((v, i) =>
        ok(v.socket, 'motion.vote', {
          motionId: secret,
          ballotId: `s${i}`,
          choices: [choicesOf[i]],
          ballotSecret: secretOf(10 + i),
          ballotNonce: nonceOf(10 + i),
        }),
      ),
    );
    // 委员甲 changes their vote.
    const change0 = { motionId: secret, ballotId: 's0b', choices: ['against'], ballotSecret: secretOf(10), ballotNonce: nonceOf(110) };
    const r0 = await ok(voters[0]!.socket, 'motion.vote', change0);
    expect(r0.changed).toBe(true);
    for (const x of [chair, ...voters]) x.socket.disconnect();
    await first.close();

    const second = await startServer({ store, dataDir });
    try {
      chair = await joinAs(second.url, tokenFor(c, '主持人'));
      voters = await Promise.all(names.map((n) => joinAs(second.url, tokenFor(c, `委员${n}`))));
      const views = chair.snapshot.motions;
      expect(views.find((m) => m.definition.id === named)).toMatchObject({ status: 'closed', result: { counts: { for: 1, against: 1 } } });
      expect(views.find((m) => m.definition.id === secret)).toMatchObject({ status: 'open', turnout: { voted: 5, eligible: 5 } });
      // The retry of a ballot cast before the restart is answered as before; a change still counts.
      expect(await ok(voters[0]!.socket, 'motion.vote', change0)).toEqual({ ...r0, changed: false });
      await ok(voters[3]!.socket, 'motion.vote', {
        motionId: secret,
        ballotId: 's3b',
        choices: ['abstain'],
        ballotSecret: secretOf(13),
        ballotNonce: nonceOf(113),
      });
      expect((await ok(voters[1]!.socket, 'motion.list', {})).mine[secret]).toEqual({ eligible: true, voted: true, choices: null });
      const { motion } = await ok(chair.socket, 'motion.close', { motionId: secret });
      expect(motion.result).toMatchObject({ ballots: 5, counts: { for: 1, against: 3, abstain: 1 } });
      const audit = (await (await adminGet(second, `/api/consultations/${c.id}/motions/${secret}/audit`)).json()) as MotionAudit;
      expect(verifyMotionAudit(audit).ok).toBe(true);

      // A timed motion left open closes by itself when its time is up (here: the server comes back late).
      const timed = (await ok(chair.socket, 'motion.create', { title: 'timed', timeLimitMs: 10_000 })).motion.definition.id;
      await ok(chair.socket, 'motion.open', { motionId: timed });
      await ok(voters[3]!.socket, 'motion.vote', { motionId: timed, ballotId: 't3', choices: ['for'] });
      for (const x of [chair, ...voters]) x.socket.disconnect();
    } finally {
      await second.close();
    }
    const third = await startServer({ store, dataDir, clock: () => Date.now() + 60_000 });
    try {
      const deadline = Date.now() + 5000;
      const state = () => Object.values(third.app.consultations.get(c.id)!.motions).find((m) => m.definition.title === 'timed')!;
      while (state().status !== 'closed' && Date.now() < deadline) await sleep(20);
      expect(state()).toMatchObject({ status: 'closed', closeReason: 'timeout', result: { ballots: 1, counts: { for: 1 } } });
    } finally {
      await third.close();
    }
  });
});
