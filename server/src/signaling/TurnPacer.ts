import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GateVerdict } from './handshakeGate.js';

/**
 * Hands out event-loop turns one at a time: each `turn()` resolves in its own turn of the loop,
 * after timers and I/O have had theirs.
 *
 * A burst of joins (a whole chamber opening its links at 9:00) finishes its durable writes
 * together, and each join reply is a 50–60 KB snapshot for socket.io to encode. Sent in one go,
 * 300 of them hold the loop for several hundred milliseconds and every other participant's
 * requests wait behind them; paced, each costs one short turn (docs/BENCHMARKS.md, bench:join).
 */
export class TurnPacer {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  /** Resolves in a later turn of the event loop, in call order, one caller per turn. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  get pending(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // An immediate queued from inside the check phase runs in the next loop iteration.
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      if (this.waiting.length > 0) this.schedule();
    });
  }
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Hands the server's WebSocket upgrades (socket.io handshakes) to their listeners one per turn of
 * the event loop. 300 links opened at once arrive in the same poll phase, and each handshake costs
 * about half a millisecond of engine.io and socket.io work: handled together they hold the loop
 * for 100 ms and more. Call after socket.io has attached to the server.
 */
export function paceUpgrades(
  server: Server,
  pacer: Pick<TurnPacer, 'turn'> = new TurnPacer(),
  admit: (req: IncomingMessage) => GateVerdict = () => ({ ok: true }),
): void {
  const listeners = server.listeners('upgrade') as UpgradeListener[];
  const refusals = new TurnPacer();
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until a listener takes the socket, a reset by the client must not become an uncaught error.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    // Decided before it waits for its turn: a refused handshake is answered in a queue of its own,
    // one per turn too, so a flood of bad ones neither delays the good ones nor holds the loop.
    const verdict = admit(req);
    if (!verdict.ok) {
      const body = JSON.stringify({ error: { code: verdict.status === 429 ? 'RATE_LIMITED' : 'TOKEN_INVALID', message: verdict.message } });
      void refusals.turn().then(() => {
        if (socket.destroyed) return;
        socket.end(
          `HTTP/1.1 ${verdict.status} ${verdict.status === 429 ? 'Too Many Requests' : 'Unauthorized'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      return;
    }
    void pacer.turn().then(() => {
      socket.off('error', onError);
      if (socket.destroyed) return;
      for (const listener of listeners) listener.call(server, req, socket, head);
    });
  });
}
