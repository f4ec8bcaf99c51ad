import { describe, expect, it } from 'vitest';
import { TurnPacer } from './TurnPacer.js';

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
