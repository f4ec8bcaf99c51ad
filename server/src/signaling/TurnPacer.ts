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
