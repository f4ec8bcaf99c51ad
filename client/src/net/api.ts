import type { SessionInfo } from '@consult/shared';
import { RequestError, toErrorCode } from './errors';

/** What GET /api/session tells a join link's bearer before joining. */
export type { SessionInfo };

/**
 * Asks the server who the token belongs to. Rejects with a RequestError:
 * TOKEN_INVALID / TOKEN_EXPIRED on 401, NETWORK when the server cannot be reached.
 */
export async function fetchSession(token: string): Promise<SessionInfo> {
  let response: Response;
  try {
    response = await fetch('/api/session', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (err) {
    throw new RequestError('NETWORK', err instanceof Error ? err.message : 'fetch failed');
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && body) return body as SessionInfo;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  // A 401 without a recognisable body still means the link is not accepted.
  const code = error?.code !== undefined ? toErrorCode(error.code) : response.status === 401 ? 'TOKEN_INVALID' : 'INTERNAL';
  throw new RequestError(code, typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`);
}
