import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '@consult/shared';

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An onRequest hook that lets through only the embedding platform (Authorization: Bearer <ADMIN_TOKEN>). */
export function adminOnly(adminToken: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearer(request);
    if (!token || !sameSecret(token, adminToken)) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'missing or wrong admin token (Authorization: Bearer <ADMIN_TOKEN>)');
    }
  };
}
