/**
 * What this device keeps of its own ballots, in localStorage, keyed by consultation,
 * motion and participant: the ballot secret of a secret motion (written before the
 * ballot is sent, so a retry or a change after a reload still holds it), the ballot
 * sent but not yet acknowledged (retried with the same ballot id), and the receipt.
 * When storage is unavailable, the page keeps them in memory.
 */

export interface StoredBallot {
  /** Secret ballots: 32 lowercase hex characters or more; the receipt code is derived from it. */
  secret: string | null;
  /** Sent, no acknowledgement yet: a retry sends the same ballot id. */
  pending: { ballotId: string; choices: string[] } | null;
  /** Acknowledged: what was recorded, and the receipt of a secret ballot. */
  recorded: { ballotId: string; choices: string[]; receiptCode: string | null; receiptHash: string | null } | null;
}

const PREFIX = 'consult.ballot';
const memory = new Map<string, StoredBallot>();

export function ballotKey(consultationId: string, motionId: string, participantId: string): string {
  return `${PREFIX}.${consultationId}.${motionId}.${participantId}`;
}

export function emptyBallot(): StoredBallot {
  return { secret: null, pending: null, recorded: null };
}

function parse(raw: string | null): StoredBallot | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredBallot> | null;
    if (!value || typeof value !== 'object') return null;
    return {
      secret: typeof value.secret === 'string' && /^[0-9a-f]{32,128}$/.test(value.secret) ? value.secret : null,
      pending: value.pending && typeof value.pending.ballotId === 'string' && Array.isArray(value.pending.choices) ? value.pending : null,
      recorded: value.recorded && typeof value.recorded.ballotId === 'string' && Array.isArray(value.recorded.choices) ? value.recorded : null,
    };
  } catch {
    return null;
  }
}

export function loadBallot(key: string): StoredBallot | null {
  try {
    const stored = parse(window.localStorage.getItem(key));
    if (stored) return stored;
  } catch {
    // Storage disabled: fall back to this page's memory.
  }
  return memory.get(key) ?? null;
}

/** Writes the ballot; false when only this page's memory holds it now. */
export function saveBallot(key: string, ballot: StoredBallot): boolean {
  memory.set(key, ballot);
  try {
    window.localStorage.setItem(key, JSON.stringify(ballot));
    return true;
  } catch {
    return false;
  }
}
