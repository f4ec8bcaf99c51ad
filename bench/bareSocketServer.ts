/**
 * The bare arm of bench:join, as a process of its own pinned like our server: a plain socket.io
 * server that answers `session.join` with a payload as large as our join reply, and nothing else.
 * `GET /lag` returns its event-loop delay since the last call (and resets it), the same
 * histogram our server's /metrics reports.
 *
 *   PORT=… REPLY_BYTES=… node --import tsx bench/bareSocketServer.ts
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const filler = 'x'.repeat(Number(process.env.REPLY_BYTES ?? 1000));
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const http = createServer((req, res) => {
  if (req.url === '/lag') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ p99_ms: loop.percentile(99) / 1e6, max_ms: loop.max / 1e6 }));
    loop.reset();
    return;
  }
  res.statusCode = 404;
  res.end();
});
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => socket.on('session.join', (_payload: unknown, ack: (reply: unknown) => void) => ack({ ok: true, data: filler })));
http.listen(port, '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
