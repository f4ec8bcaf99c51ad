import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { paceUpgrades, TurnPacer } from './TurnPacer.js';

describe('TurnPacer', () => {
  it('lets timers run between the turns it hands out, in call order', async () => {
    const pacer = new TurnPacer();
    const log: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const turns = Array.from({ length: 5 }, (_, i) =>
      pacer.turn().then(() => {
        log.push(`turn ${i}`);
        // Hold the loop for a few ms, as encoding a large reply does.
        const until = performance.now() + 3;
        while (performance.now() < until);
      }),
    );
    expect(pacer.pending).toBe(5);
    await Promise.all(turns);
    clearInterval(timer);
    expect(log).toEqual(['turn 0', 'turn 1', 'turn 2', 'turn 3', 'turn 4']);
    expect(pacer.pending).toBe(0);
    // An interval firing between turns proves the loop came round between them.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('resolves a lone caller promptly', async () => {
    const pacer = new TurnPacer();
    const t0 = performance.now();
    await pacer.turn();
    expect(performance.now() - t0).toBeLessThan(50);
  });
});

describe('paceUpgrades', () => {
  it('hands each upgrade, with its early bytes, to the listener attached before it, and drops a socket reset while it waited', async () => {
    const server = createServer();
    const seen: { url: string; head: string }[] = [];
    server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
      seen.push({ url: req.url ?? '', head: head.toString() });
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    });
    // A pacer whose turns come when the test says.
    let asked = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    paceUpgrades(server, { turn: () => (asked++, gate) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const upgrade = (path: string, extra = '') =>
      new Promise<Socket>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n${extra}`);
          resolve(socket);
        });
        socket.on('error', () => undefined);
      });
    const sockets = await Promise.all(Array.from({ length: 4 }, (_, i) => upgrade(`/u${i}`, i === 0 ? 'early-bytes' : '')));
    const reset = await upgrade('/reset');
    for (let i = 0; i < 200 && asked < 5; i++) await new Promise((r) => setTimeout(r, 5));
    expect(asked).toBe(5);
    expect(seen).toEqual([]);
    // The client resets while its upgrade waits: its socket errors (ECONNRESET), which must not throw.
    reset.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 100));
    open();
    for (let i = 0; i < 100 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(seen.map((s) => s.url).sort()).toEqual(['/u0', '/u1', '/u2', '/u3']);
    expect(seen.find((s) => s.url === '/u0')!.head).toBe('early-bytes');
  });
});
