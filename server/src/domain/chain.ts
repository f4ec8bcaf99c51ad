import { createHash } from 'node:crypto';

/** The hash a motion's chain starts from. */
export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A link of a hash chain: the hash of the previous link and this link's content. */
export function chainHash(prevHash: string, content: unknown): string {
  return sha256(`${prevHash}\n${canonicalJson(content)}`);
}

/**
 * Which device cast a secret ballot: a hash of the voter's ballot secret, which only their device
 * holds. A later ballot with the same receipt overrides the earlier one. Kept in the server's box
 * only: it is never published nor shown, so nothing the voter holds maps to a choice publicly.
 */
export function receiptOf(motionId: string, ballotSecret: string): string {
  return sha256(`receipt\n${motionId}\n${ballotSecret}`);
}
