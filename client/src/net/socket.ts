import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ReplyData, RequestName, RequestPayload, ServerToClientEvents } from '@consult/shared';
import { RequestError, toErrorCode } from './errors';

export type ConsultSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a request may wait for its acknowledgement. */
const REQUEST_TIMEOUT_MS = 10_000;

let current: ConsultSocket | null = null;

/**
 * Creates the one socket of this page (closing any previous one). It is returned
 * unconnected so that listeners can be attached before the first `connect`. The join link's
 * token goes with the handshake: the server admits only connections that carry a genuine one.
 */
export function openSocket(token: string): ConsultSocket {
  closeSocket();
  // WebSocket first; where a county's proxy refuses WebSockets, the same attempt falls back to
  // HTTP long-polling (which the server supports, and which needs sticky sessions behind a
  // load balancer). Reconnects start on long-polling and upgrade to WebSocket where it gets through.
  const socket: ConsultSocket = io({ transports: ['websocket', 'polling'], tryAllTransports: true, autoConnect: false, query: { token } });
  // After a failed attempt (a proxy that takes the upgrade and then hangs is never refused), the
  // next ones start on long-polling and upgrade to WebSocket where it gets through.
  socket.io.on('reconnect_attempt', () => {
    socket.io.opts.transports = ['polling', 'websocket'];
  });
  current = socket;
  return current;
}

/** Disconnects and forgets the socket; socket.io will not reconnect it. */
export function closeSocket(): void {
  if (!current) return;
  current.off();
  current.disconnect();
  current = null;
}

/** Whether a socket exists and is connected right now. */
export function isConnected(): boolean {
  return current?.connected ?? false;
}

/** socket.io's emit with the types of one request, which its generic typing cannot express for a generic name. */
interface RequestEmitter<N extends RequestName> {
  emit(name: N, payload: RequestPayload<N>, ack: (reply: Ack<ReplyData[N]>) => void): void;
}

/**
 * Sends a request and resolves the data of its acknowledgement; rejects with a
 * RequestError carrying the server's code, TIMEOUT after 10 s (or `timeoutMs`), or NETWORK
 * when offline or when the connection drops before the answer.
 */
export function request<N extends RequestName>(name: N, payload: RequestPayload<N>, options: { timeoutMs?: number } = {}): Promise<ReplyData[N]> {
  const socket = current;
  // Refuse rather than let socket.io buffer the emit: a buffered media request would
  // reach the server after a reconnect, against transports that no longer exist.
  if (!socket?.connected) return Promise.reject(new RequestError('NETWORK', `${name}: not connected`));
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const done = () => {
      window.clearTimeout(timer);
      socket.off('disconnect', onDisconnect);
    };
    const onDisconnect = () => {
      done();
      reject(new RequestError('NETWORK', `${name}: the connection dropped before the answer`));
    };
    const timer = window.setTimeout(() => {
      done();
      reject(new RequestError('TIMEOUT', `${name}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('disconnect', onDisconnect);
    (socket as unknown as RequestEmitter<N>).emit(name, payload, (reply) => {
      done();
      if (reply.ok) resolve(reply.data);
      else reject(new RequestError(toErrorCode(reply.error.code), reply.error.message));
    });
  });
}
