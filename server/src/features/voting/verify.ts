import { tallyCounts, tallyMotion, type MotionDefinition, type MotionResult } from '@consult/shared';
import { GENESIS, canonicalJson } from '../../domain/chain.js';
import { motionEventHash } from '../../domain/voting.js';
import { boxEntryHash } from '../../store/BallotBox.js';
import type { MotionAudit } from './audit.js';

export interface Verification {
  ok: boolean;
  chain: { links: number; ok: boolean; problem: string | null };
  box: { entries: number; ok: boolean; problem: string | null } | null;
  /** Named: recomputed from each member's ballot. Secret: from the counts (never published ballot by ballot), checked for plausibility. */
  tally: { ok: boolean; from: 'ballots' | 'counts'; recomputed: MotionResult | null; problem: string | null };
  commitment: { value: string; found: boolean } | null;
}

/**
 * Checks a motion's audit export on its own: every link of the event chain, the ballot
 * box's chain of commitments and its head against the close event, and the result against a
 * tally recomputed from the ballots (named) or the counts (secret). Optionally looks up a
 * commitment, as a voter's device computes it from its last ballot.
 */
export function verifyMotionAudit(audit: MotionAudit, commitment?: string): Verification {
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

  const secret = audit.definition.ballot === 'secret';
  let box: Verification['box'] = null;
  if (secret) {
    box = { entries: 0, ok: true, problem: null };
    let head = GENESIS;
    for (const entry of audit.box ?? []) {
      if (entry.prevHash !== head || boxEntryHash(head, entry.commitment) !== entry.hash) {
        box.ok = false;
        box.problem = `box entry ${box.entries + 1} was altered or is out of place`;
        break;
      }
      head = entry.hash;
      box.entries++;
    }
    if (box.ok && closed?.box && (closed.box.entries !== box.entries || closed.box.headHash !== head)) {
      box.ok = false;
      box.problem = `the box holds ${box.entries} entries ending ${head.slice(0, 12)}…, the close recorded ${closed.box.entries} ending ${closed.box.headHash.slice(0, 12)}…`;
    }
  }

  const tally: Verification['tally'] = { ok: false, from: secret ? 'counts' : 'ballots', recomputed: null, problem: null };
  if (!opened || !closed) {
    tally.problem = 'the motion has not been opened and closed';
  } else if (secret) {
    // A secret ballot's choices are published as counts only (one by one, an unusual combination
    // of choices would identify a ballot): recompute the result from them and check they can be
    // the counts of this many ballots, no more than the box holds and the roll allows.
    const counted = closed.result;
    tally.recomputed = tallyCounts(audit.definition, counted, opened.eligible.length, opened.members);
    tally.problem =
      countsProblem(audit.definition, counted) ??
      (counted.ballots > opened.eligible.length
        ? `${counted.ballots} ballots counted, but only ${opened.eligible.length} members were on the roll`
        : counted.ballots > (box?.entries ?? 0)
          ? `${counted.ballots} ballots counted, but the box holds ${box?.entries ?? 0} commitments`
          : canonicalJson(tally.recomputed) !== canonicalJson(closed.result)
            ? 'the recorded result differs from the tally of the counts'
            : null);
    tally.ok = tally.problem === null;
  } else {
    const latest = new Map<string, string[]>();
    for (const e of audit.events) {
      if (e.type !== 'ballot.cast') continue;
      const d = e.data as { participantId: string; choices: string[] };
      if (opened.eligible.includes(d.participantId)) latest.set(d.participantId, d.choices);
    }
    tally.recomputed = tallyMotion(audit.definition, [...latest.values()], opened.eligible.length, opened.members);
    tally.ok = canonicalJson(tally.recomputed) === canonicalJson(closed.result);
    if (!tally.ok) tally.problem = 'the recorded result differs from the tally of the ballots';
  }

  const found = commitment === undefined ? null : { value: commitment, found: (audit.box ?? []).some((e) => e.commitment === commitment.trim().toLowerCase()) };
  return { ok: chain.ok && (box?.ok ?? true) && tally.ok, chain, box, tally, commitment: found };
}

/** Whether per-option counts can come from `ballots` valid ballots, `blank` of them empty. */
function countsProblem(definition: MotionDefinition, counted: Pick<MotionResult, 'counts' | 'ballots' | 'blank'>): string | null {
  const votes = definition.options.reduce((sum, o) => sum + (counted.counts[o.id] ?? 0), 0);
  const filled = counted.ballots - counted.blank;
  if (Object.values(counted.counts).some((n) => !Number.isInteger(n) || n < 0) || counted.blank < 0 || filled < 0) return 'the counts are not counts';
  if (Object.keys(counted.counts).some((id) => !definition.options.some((o) => o.id === id))) return 'the counts name an option the motion does not have';
  if (votes < filled || votes > filled * definition.maxChoices)
    return `${votes} votes cannot come from ${filled} ballots of at most ${definition.maxChoices} choices`;
  return null;
}
