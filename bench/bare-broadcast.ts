/**
 * The bare arm of bench:floor, run as its own process (pinned like our server): a plain
 * socket.io server that, when asked, broadcasts an event of a given size to every client
 * and then acks. Nothing is validated or stored. Prints its port on stdout.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (_p: unknown, ack: (r: unknown) => void) => {
    void socket.join('room');
    ack({ ok: true });
  });
  socket.on('grant', (p: { bytes: number; seq: number }, ack: (r: unknown) => void) => {
    io.to('room').emit('floor.changed', { seq: p.seq, filler: 'x'.repeat(p.bytes) });
    ack({ ok: true, data: { version: p.seq } });
  });
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
