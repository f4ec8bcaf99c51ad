import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotCommitment, checkOwnBallot, type BallotOpening, type MotionResult, type PublishedBallots } from '@consult/shared';
import type { MotionAudit } from '../../server/src/features/voting/audit.js';
import { verifyMotionAudit } from '../../server/src/features/voting/verify.js';
import { ADMIN_TOKEN, createConsultation, joinAs, ok, request, startServer, tokenFor, type CreatedConsultation, type Harness } from '../helpers/harness.js';

/**
 * A coercer who gets everything the voter can show (the opening of a ballot: its nonce and
 * choices, or the device's secret), the published list and the audit export must not learn
 * whether that ballot counted. Two worlds with the same result: in one, 委员甲 casts the ballot
 * the coercer asked for and leaves it; in the other, they override it later from the same
 * device. The coercer's view of the ballot they were shown must be the same in both.
 */

const COMMITTEE = {
  title: '胁迫测试',
  agenda: [{ title: '议题一' }],
  sites: [{ id: 'city', name: '市本级' }],
  participants: [
    { name: '主持人', role: 'moderator', siteId: 'city' },
    ...['甲', '乙', '丙'].map((n) => ({ name: `委员${n}`, role: 'member', siteId: 'city' })),
    { name: '观众', role: 'observer', siteId: 'city' },
  ],
};

const hex = (n: number, fill: string) => n.toString(16).padStart(32, fill);

let h: Harness;
let c: CreatedConsultation;
let chair: Awaited<ReturnType<typeof joinAs>>;
let members: Awaited<ReturnType<typeof joinAs>>[];
let observer: Awaited<ReturnType<typeof joinAs>>;

beforeAll(async () => {
  h = await startServer();
  c = await createConsultation(h.url, COMMITTEE);
  chair = await joinAs(h.url, tokenFor(c, '主持人'));
  members = await Promise.all(['甲', '乙', '丙'].map((n) => joinAs(h.url, tokenFor(c, `委员${n}`))));
  observer = await joinAs(h.url, tokenFor(c, '观众'));
});

afterAll(async () => {
  for (const x of [chair, observer, ...members]) x.socket.disconnect();
  await h.close();
});

interface World {
  /** What the coercer was shown: the opening of 甲's coerced ballot (and the device's secret). */
  shown: BallotOpening & { secret: string };
  /** 甲's last ballot, which only their device knows. */
  last: BallotOpening;
  published: PublishedBallots;
  result: MotionResult;
  audit: MotionAudit;
}

/** One secret motion: each member casts the choices given, in order; 甲's first ballot is the coerced one. */
async function runWorld(n: number, ballots: { member: number; choices: string[] }[]): Promise<World> {
  const { motion } = await ok(chair.socket, 'motion.create', { title: `无记名 ${n}`, ballot: 'secret' });
  const motionId = motion.definition.id;
  await ok(chair.socket, 'motion.open', { motionId });
  const secret = (member: number) => hex(n * 10 + member, 'a');
  const cast: (BallotOpening & { member: number })[] = [];
  await Promise.all(
    ballots.map(async ({ member, choices }, i) => {
      const nonce = hex(n * 100 + i, 'e');
      // Cast in order per member: a later ballot overrides an earlier one of the same device.
      cast.push({ member, nonce, choices });
      await new Promise((r) => setTimeout(r, i * 30));
      await ok(members[member]!.socket, 'motion.vote', { motionId, ballotId: `b${n}-${i}`, choices, ballotSecret: secret(member), ballotNonce: nonce });
    }),
  );
  const { motion: closed } = await ok(chair.socket, 'motion.close', { motionId });
  const published = await ok(observer.socket, 'motion.published', { motionId });
  const audit = (await (
    await fetch(`${h.url}/api/consultations/${c.id}/motions/${motionId}/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  ).json()) as MotionAudit;
  const mine = cast.filter((b) => b.member === 0);
  return { shown: { ...mine[0]!, secret: secret(0) }, last: mine.at(-1)!, published, result: closed.result!, audit };
}

/** Everything the coercer can compute about the ballot they were shown. */
function coercerView(w: World) {
  const commitment = ballotCommitment(w.published.motionId, w.shown.nonce, w.shown.choices);
  return {
    inPublishedList: w.published.commitments.includes(commitment),
    inAudit: verifyMotionAudit(w.audit, commitment).commitment?.found,
    deviceCheck: checkOwnBallot(w.shown, w.published, w.result),
    counts: w.result.counts,
    ballots: w.result.ballots,
  };
}

describe('a ballot shown to a coercer proves it was cast, never that it counted', () => {
  it('secret ballots can always be changed until the close', async () => {
    expect(await request(chair.socket, 'motion.create', { title: '不许改票', ballot: 'secret', allowChange: false })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('looks the same to the coercer whether the voter kept the coerced ballot or overrode it', async () => {
    // The coercer demands "against" from 甲.
    const complied = await runWorld(1, [
      { member: 0, choices: ['against'] },
      { member: 1, choices: ['for'] },
      { member: 2, choices: ['abstain'] },
    ]);
    // 甲 overrides it while it still waits for its batch (the fold), and 乙 changes after the batch is sealed (written alone).
    const defied = await runWorld(2, [
      { member: 0, choices: ['against'] },
      { member: 1, choices: ['for'] },
      { member: 0, choices: ['for'] },
      { member: 2, choices: ['abstain'] },
      { member: 1, choices: ['against'] },
    ]);
    expect(defied.last.choices).toEqual(['for']);
    expect(defied.result.counts).toEqual(complied.result.counts);

    // The overridden ballot is published like any other, and the coercer's every test of it agrees across the worlds.
    expect(coercerView(defied)).toEqual(coercerView(complied));
    expect(coercerView(defied)).toMatchObject({ inPublishedList: true, inAudit: true });

    // 甲's own device finds its last ballot counted.
    expect(checkOwnBallot(defied.last, defied.published, defied.result)).toBe('counted');

    for (const w of [complied, defied]) {
      // Nothing published beside the commitments: no choice, no receipt, nothing derived from the device's secret.
      expect(Object.keys(w.published).sort()).toEqual(['commitments', 'motionId']);
      for (const commitment of w.published.commitments) expect(commitment).toMatch(/^[0-9a-f]{64}$/);
      for (const entry of w.audit.box!) expect(Object.keys(entry).sort()).toEqual(['commitment', 'hash', 'prevHash']);
      const exported = JSON.stringify({ published: w.published, box: w.audit.box });
      for (const leak of ['for', 'against', 'abstain', w.shown.secret, w.shown.nonce]) expect(exported).not.toContain(leak);
      // Each ballot is one commitment, plus padding (0 to the roll's size) that hides how many were overridden.
      const cast = w === defied ? 5 : 3;
      expect(w.published.commitments.length).toBeGreaterThanOrEqual(cast);
      expect(w.published.commitments.length).toBeLessThanOrEqual(cast + 3);
      expect(verifyMotionAudit(w.audit).ok).toBe(true);
    }
  });
});
