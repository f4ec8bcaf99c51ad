import { ErrorCode } from '@consult/shared';

/** Failures the client detects itself, next to the server's ErrorCode. */
export type ClientErrorCode = 'TOKEN_MISSING' | 'SESSION_REPLACED' | 'NETWORK' | 'TIMEOUT' | 'UNSUPPORTED';
export type AppErrorCode = ErrorCode | ClientErrorCode;

const SERVER_CODES = new Set<string>(Object.values(ErrorCode));

/** An error that carries a code the catalogue can explain. */
export class RequestError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Normalises a code received from the server; unknown codes are treated as INTERNAL. */
export function toErrorCode(raw: unknown): ErrorCode {
  return typeof raw === 'string' && SERVER_CODES.has(raw) ? (raw as ErrorCode) : ErrorCode.INTERNAL;
}

/** The code of any thrown value: RequestErrors keep theirs, anything else is INTERNAL. */
export function errorCodeOf(err: unknown): AppErrorCode {
  return err instanceof RequestError ? err.code : ErrorCode.INTERNAL;
}

/** Whether the code means the join link itself is unusable (no point retrying). */
export function isTokenError(code: AppErrorCode): boolean {
  return code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED' || code === 'TOKEN_MISSING';
}
