import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy like the ones in front of some county offices: it forwards plain HTTP and
 * refuses every WebSocket upgrade with 403. Counts what it forwarded and what it refused.
 */
export interface NoWebSocketProxy {
  url: string;
  refusedUpgrades: () => number;
  /** Forwarded requests whose path starts with `/socket.io/` (long-polling). */
  pollingRequests: () => number;
  close: () => Promise<void>;
}

export async function noWebSocketProxy(target: string): Promise<NoWebSocketProxy> {
  const to = new URL(target);
  let refused = 0;
  let polling = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    if (req.url?.startsWith('/socket.io/')) polling++;
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('upgrade', (_req, socket) => {
    refused++;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refusedUpgrades: () => refused,
    pollingRequests: () => polling,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
