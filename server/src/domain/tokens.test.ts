import { describe, expect, it } from 'vitest';
import { signJoinToken, verifyJoinToken } from './tokens.js';

const claims = { consultationId: 'c1', participantId: 'p1', role: 'member' as const, exp: 2_000 };

describe('join tokens', () => {
  it('round-trips the claims before expiry', () => {
    expect(verifyJoinToken(signJoinToken(claims, 's'), 's', 1_999)).toEqual(claims);
  });
  it('refuses an expired token with TOKEN_EXPIRED', () => {
    expect(() => verifyJoinToken(signJoinToken(claims, 's'), 's', 2_000)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
  });
  it('refuses a token signed with another secret', () => {
    expect(() => verifyJoinToken(signJoinToken(claims, 'other'), 's', 0)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
  it('refuses a token whose payload was changed (role escalation)', () => {
    const [v, , mac] = signJoinToken(claims, 's').split('.');
    const payload = Buffer.from(JSON.stringify({ c: 'c1', p: 'p1', r: 'moderator', exp: 2_000 })).toString('base64url');
    expect(() => verifyJoinToken(`${v}.${payload}.${mac}`, 's', 0)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
  it.each(['', 'v1', 'v1.a.b.c', 'v2.x.y', '...'])('refuses malformed token %j', (token) => {
    expect(() => verifyJoinToken(token, 's', 0)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
});
