/**
 * Error codes shared by the REST API and the socket protocol. The client maps each
 * code to a message in its catalogue; the server adds a plain-language `message`
 * for logs and API consumers.
 */
export const ErrorCode = {
  /** The payload failed schema validation. */
  VALIDATION: 'VALIDATION',
  /** No token, or a token that is forged, malformed or for another consultation. */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** The token was genuine but has expired. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** Missing or wrong admin token on the REST API. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The role may not perform this action. */
  FORBIDDEN: 'FORBIDDEN',
  /** The request is well-formed but does not fit the current state (not joined yet, already closed…). */
  INVALID_STATE: 'INVALID_STATE',
  /** The action was based on a state that has since changed (the speech already ended, the agenda moved on). */
  STALE: 'STALE',
  /** Only the floor holder's (and the moderator's) microphone is open. */
  NO_FLOOR: 'NO_FLOOR',
  /** The thing named does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The request body is too large. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The media server could not do it (worker died, codec mismatch…); retry may help. */
  MEDIA: 'MEDIA',
  /** Too many requests from this connection. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Something unexpected on the server; details are in the server log. */
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For VALIDATION: which fields were wrong. */
  issues?: { path: string; message: string }[];
}

/** Every socket request is answered with exactly one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
