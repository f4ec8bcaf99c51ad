import type { MotionDefinition, MotionResult } from '@consult/shared';
import type { StoredEvent } from '../../store/EventStore.js';
import type { PublicBoxEntry } from '../../store/BallotBox.js';

/** The audit export of a motion: everything needed to check its chain and recompute its tally. */
export interface MotionAudit {
  format: 'consultation-motion-audit/2';
  consultationId: string;
  motionId: string;
  definition: MotionDefinition;
  status: 'draft' | 'open' | 'closed';
  /** The motion's events from the consultation log, in order, each with prevHash and hash. */
  events: StoredEvent[];
  /** Named ballots: each voter's final choice. */
  named: { participantId: string; name: string; siteId: string; choices: string[] }[] | null;
  /**
   * Secret ballots, after the close: every box entry in order, as its commitment and chain link
   * only. Counted ballots, overridden ones and padding look alike; the counts are in the result.
   */
  box: PublicBoxEntry[] | null;
  result: MotionResult | null;
}

/**
 * One CSV cell: quoted when it holds a quote, comma or line break; a cell that a spreadsheet would
 * take as a formula (starting with = + - @, a tab or a carriage return) is prefixed with ' so it
 * is shown as text (OWASP, CSV injection).
 */
export function csvCell(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV: per-member choices for a named ballot; the sorted commitments of a closed secret ballot. */
export function auditCsv(audit: MotionAudit): string {
  const rows: string[][] = [];
  if (audit.named) {
    rows.push(['participantId', 'name', 'siteId', 'choices']);
    for (const b of audit.named) rows.push([b.participantId, b.name, b.siteId, b.choices.join(';')]);
  } else {
    rows.push(['commitment']);
    for (const commitment of (audit.box ?? []).map((e) => e.commitment).sort()) rows.push([commitment]);
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
