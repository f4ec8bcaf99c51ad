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
 * Receipt of a secret ballot: a short code derived from the voter's ballot secret (which
 * never leaves their device except to cast), and the hash that is published with the choice.
 */
export function receiptFor(motionId: string, ballotSecret: string): { code: string; hash: string } {
  const digest = createHash('sha256').update(`receipt\n${motionId}\n${ballotSecret}`).digest();
  // 60 bits as 12 characters of Crockford base32, shown as XXXX-XXXX-XXXX.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let bits = 0n;
  for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let code = '';
  for (let i = 0; i < 12; i++) code += alphabet[Number((bits >> BigInt(64 - 5 * (i + 1))) & 31n)]!;
  const formatted = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`;
  return { code: formatted, hash: receiptHash(formatted) };
}

/** What a member computes from their receipt code to find it in the published list. */
export function receiptHash(code: string): string {
  return sha256(`receipt-code\n${code.trim().toUpperCase()}`);
}
