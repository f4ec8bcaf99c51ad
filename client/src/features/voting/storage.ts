/**
 * What this device keeps of its own ballots, in localStorage, keyed by consultation,
 * motion and participant: the ballot secret of a secret motion (written before the
 * ballot is sent, so a retry or a change after a reload still holds it), the ballot
 * sent but not yet acknowledged (retried with the same ballot id and nonce), and the
 * last ballot recorded, whose nonce lets the device check it after the close. Once the
 * check finds it counted, the device forgets all of it but that fact.
 * When storage is unavailable, the page keeps them in memory.
 */

export interface StoredBallot {
  /** Secret ballots: 32 lowercase hex characters or more; only its holder can change the ballot. */
  secret: string | null;
  /** Sent, no acknowledgement yet: a retry sends the same ballot id (and, secret, the same nonce). */
  pending: { ballotId: string; choices: string[]; nonce: string | null } | null;
  /** Acknowledged: what was recorded, and a secret ballot's nonce (its commitment's opening). */
  recorded: { ballotId: string; choices: string[]; nonce: string | null } | null;
  /** Secret ballots: checked after the close and found counted; the choices and nonce are forgotten. */
  verified: boolean;
}

const HEX = /^[0-9a-f]{32,128}$/;

const PREFIX = 'consult.ballot';
const memory = new Map<string, StoredBallot>();

export function ballotKey(consultationId: string, motionId: string, participantId: string): string {
  return `${PREFIX}.${consultationId}.${motionId}.${participantId}`;
}

export function emptyBallot(): StoredBallot {
  return { secret: null, pending: null, recorded: null, verified: false };
}

function parse(raw: string | null): StoredBallot | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredBallot> | null;
    if (!value || typeof value !== 'object') return null;
    return {
      secret: typeof value.secret === 'string' && HEX.test(value.secret) ? value.secret : null,
      pending: ballotOf(value.pending),
      recorded: ballotOf(value.recorded),
      verified: value.verified === true,
    };
  } catch {
    return null;
  }
}

function ballotOf(value: unknown): { ballotId: string; choices: string[]; nonce: string | null } | null {
  if (!value || typeof value !== 'object') return null;
  const { ballotId, choices, nonce } = value as Record<string, unknown>;
  if (typeof ballotId !== 'string' || !Array.isArray(choices) || !choices.every((c) => typeof c === 'string')) return null;
  return { ballotId, choices, nonce: typeof nonce === 'string' && HEX.test(nonce) ? nonce : null };
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
