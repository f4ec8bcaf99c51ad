import { randomBytes } from 'node:crypto';

/** Short random ids: 14 characters of lowercase letters and digits, safe in URLs and file names. */
export function newId(): string {
  return randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').toLowerCase().slice(0, 14);
}
