import { tallyMotion, type MotionResult } from '@consult/shared';
import { GENESIS, canonicalJson, receiptHash } from '../../domain/chain.js';
import { motionEventHash } from '../../domain/voting.js';
import { boxEntryHash } from '../../store/BallotBox.js';
import type { MotionAudit } from './audit.js';

export interface Verification {
  ok: boolean;
  chain: { links: number; ok: boolean; problem: string | null };
  box: { entries: number; ok: boolean; problem: string | null } | null;
  tally: { ok: boolean; recomputed: MotionResult | null; problem: string | null };
  receipt: { code: string; found: boolean; choices: string[] | null } | null;
}

/**
 * Checks a motion's audit export on its own: every link of the event chain, the ballot
 * box's chain and its head against the close event, and the result against a tally
 * recomputed from the ballots. Optionally looks up a member's receipt code.
 */
export function verifyMotionAudit(audit: MotionAudit, receiptCode?: string): Verification {
  const chain = { links: 0, ok: true, problem: null as string | null };
  let prev = GENESIS;
  for (const event of audit.events) {
    const data = event.data as Record<string, unknown> & { prevHash: string; hash: string };
    if (data.prevHash !== prev) {
      chain.ok = false;
      chain.problem = `event ${event.seq} (${event.type}) does not follow the previous link`;
      break;
    }
    if (motionEventHash(prev, event.type, data) !== data.hash) {
      chain.ok = false;
      chain.problem = `event ${event.seq} (${event.type}) was altered: its hash does not match its content`;
      break;
    }
    prev = data.hash;
    chain.links++;
  }

  const opened = audit.events.find((e) => e.type === 'motion.opened')?.data as { eligible: string[]; members: number } | undefined;
  const closed = audit.events.find((e) => e.type === 'motion.closed')?.data as
    { result: MotionResult; box: { entries: number; headHash: string } | null } | undefined;

  let box: Verification['box'] = null;
  let ballots: string[][];
  if (audit.definition.ballot === 'secret') {
    box = { entries: 0, ok: true, problem: null };
    let head = GENESIS;
    const latest = new Map<string, string[]>();
    for (const entry of audit.box ?? []) {
      if (entry.prevHash !== head || boxEntryHash(head, entry.receiptHash, entry.choices) !== entry.hash) {
        box.ok = false;
        box.problem = `box entry ${box.entries + 1} was altered or is out of place`;
        break;
      }
      head = entry.hash;
      box.entries++;
      latest.set(entry.receiptHash, entry.choices);
    }
    if (box.ok && closed?.box && (closed.box.entries !== box.entries || closed.box.headHash !== head)) {
      box.ok = false;
      box.problem = `the box holds ${box.entries} entries ending ${head.slice(0, 12)}…, the close recorded ${closed.box.entries} ending ${closed.box.headHash.slice(0, 12)}…`;
    }
    ballots = [...latest.values()];
  } else {
    const latest = new Map<string, string[]>();
    for (const e of audit.events) {
      if (e.type !== 'ballot.cast') continue;
      const d = e.data as { participantId: string; choices: string[] };
      if (opened?.eligible.includes(d.participantId)) latest.set(d.participantId, d.choices);
    }
    ballots = [...latest.values()];
  }

  const tally: Verification['tally'] = { ok: false, recomputed: null, problem: null };
  if (!opened || !closed) {
    tally.problem = 'the motion has not been opened and closed';
  } else {
    tally.recomputed = tallyMotion(audit.definition, ballots, opened.eligible.length, opened.members);
    tally.ok = canonicalJson(tally.recomputed) === canonicalJson(closed.result);
    if (!tally.ok) tally.problem = 'the recorded result differs from the tally of the ballots';
  }

  let receipt: Verification['receipt'] = null;
  if (receiptCode !== undefined) {
    const hash = receiptHash(receiptCode);
    let choices: string[] | null = null;
    for (const e of audit.box ?? []) if (e.receiptHash === hash) choices = e.choices;
    receipt = { code: receiptCode, found: choices !== null, choices };
  }
  return { ok: chain.ok && (box?.ok ?? true) && tally.ok, chain, box, tally, receipt };
}
