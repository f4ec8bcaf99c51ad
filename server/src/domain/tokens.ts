import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode, ROLES, type Role } from '@consult/shared';

/** What a join link's token says: which consultation, who, in which role, until when. */
export interface JoinClaims {
  consultationId: string;
  participantId: string;
  role: Role;
  /** Expiry, seconds since epoch. */
  exp: number;
}

const VERSION = 'v1';

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/** Signs claims as `v1.<payload>.<hmac-sha256>`. */
export function signJoinToken(claims: JoinClaims, secret: string): string {
  const payload = b64(JSON.stringify({ c: claims.consultationId, p: claims.participantId, r: claims.role, exp: claims.exp }));
  const mac = createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest();
  return `${VERSION}.${payload}.${b64(mac)}`;
}

/** Verifies signature and expiry; `nowSeconds` is passed in so tests control time. */
export function verifyJoinToken(token: string, secret: string, nowSeconds: number): JoinClaims {
  const invalid = (why: string) => new AppError(ErrorCode.TOKEN_INVALID, `join link is not valid: ${why}`);
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) throw invalid('malformed');
  const [, payload, mac] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed payload');
  }
  const { c, p, r, exp } = (raw ?? {}) as Record<string, unknown>;
  if (typeof c !== 'string' || typeof p !== 'string' || typeof exp !== 'number' || !ROLES.includes(r as Role)) {
    throw invalid('malformed claims');
  }
  if (exp <= nowSeconds) throw new AppError(ErrorCode.TOKEN_EXPIRED, 'join link has expired; ask the organiser for a new one');
  return { consultationId: c, participantId: p, role: r as Role, exp };
}
