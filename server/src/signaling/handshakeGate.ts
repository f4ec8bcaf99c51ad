import type { IncomingMessage } from 'node:http';

export interface GateOptions {
  /** Whether a join link's token is genuine, current and names a participant. Must be cheap: it runs before any per-connection work. */
  accepts: (token: string) => boolean;
  /** Handshakes one address may start per window (members behind one county NAT share an address). */
  perAddress: number;
  windowMs: number;
  /** Take the client's address from X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean;
}

export type GateVerdict = { ok: true } | { ok: false; status: 401 | 429; message: string };

/**
 * Decides on a socket.io handshake (a WebSocket upgrade or a long-polling request) from its
 * request line alone, before engine.io creates anything for it: the join link's token must be
 * genuine (`?token=`), and one address may open only so many connections per window. A flood of
 * connections with made-up tokens costs an HMAC each, not a connection each.
 */
export function handshakeGate(options: GateOptions): (req: IncomingMessage) => GateVerdict {
  const windows = new Map<string, { start: number; count: number }>();
  let sweptAt = 0;
  return (req) => {
    const now = Date.now();
    if (now - sweptAt > options.windowMs) {
      sweptAt = now;
      for (const [address, w] of windows) if (now - w.start >= options.windowMs) windows.delete(address);
    }
    const forwarded = options.trustProxy
      ? String(req.headers['x-forwarded-for'] ?? '')
          .split(',')[0]
          ?.trim()
      : '';
    const address = forwarded || req.socket.remoteAddress || 'unknown';
    let w = windows.get(address);
    if (!w || now - w.start >= options.windowMs) windows.set(address, (w = { start: now, count: 0 }));
    if (++w.count > options.perAddress) return { ok: false, status: 429, message: 'too many connections from this address; try again shortly' };
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    if (!token || !options.accepts(token)) return { ok: false, status: 401, message: 'a valid join link is needed to connect' };
    return { ok: true };
  };
}
