import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { MediaConfig } from './config.js';

export interface WorkerInfo {
  pid: number;
  /** Media rooms placed on this worker. */
  load: number;
  /** CPU seconds (user + system) the worker has used. */
  cpuSeconds: number;
  /** Peak resident set size in MB. */
  maxRssMb: number;
}

interface Slot {
  worker: types.Worker;
  load: number;
}

/**
 * One mediasoup worker per core. A worker that dies is replaced at once, and
 * `workerDied` tells the owner which worker went so the rooms on it can rebuild.
 */
export class WorkerPool extends EventEmitter {
  private readonly slots: Slot[] = [];
  private closed = false;

  constructor(
    private readonly config: MediaConfig,
    private readonly log: { warn: (o: object, m: string) => void; info: (o: object, m: string) => void },
  ) {
    super();
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.config.numWorkers; i++) await this.spawn();
  }

  private async spawn(): Promise<Slot> {
    const worker = await mediasoup.createWorker({
      logLevel: this.config.logLevel,
      rtcMinPort: this.config.rtcMinPort,
      rtcMaxPort: this.config.rtcMaxPort,
    });
    const slot: Slot = { worker, load: 0 };
    this.slots.push(slot);
    worker.on('died', (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      if (this.closed) return;
      this.log.warn({ pid: worker.pid, err: error.message }, 'mediasoup worker died; starting a replacement');
      this.emit('workerDied', worker);
      this.spawn().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not replace mediasoup worker'));
    });
    this.log.info({ pid: worker.pid }, 'mediasoup worker started');
    return slot;
  }

  /** The least loaded live worker; its load counts the room about to be placed. */
  acquire(): types.Worker {
    if (this.closed) throw new Error('worker pool is closed');
    const slot = [...this.slots].sort((a, b) => a.load - b.load)[0];
    if (!slot) throw new Error('no mediasoup worker is running');
    slot.load++;
    return slot.worker;
  }

  /** The least loaded live worker other than `exclude`, or undefined if there is none. */
  acquireOther(exclude: readonly types.Worker[]): types.Worker | undefined {
    if (this.closed) return undefined;
    const slot = this.slots.filter((s) => !exclude.includes(s.worker)).sort((a, b) => a.load - b.load)[0];
    if (!slot) return undefined;
    slot.load++;
    return slot.worker;
  }

  release(worker: types.Worker): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (slot && slot.load > 0) slot.load--;
  }

  get size(): number {
    return this.slots.length;
  }

  async info(): Promise<WorkerInfo[]> {
    return Promise.all(
      this.slots.map(async ({ worker, load }) => {
        try {
          const usage = await worker.getResourceUsage();
          return { pid: worker.pid, load, cpuSeconds: (usage.ru_utime + usage.ru_stime) / 1000, maxRssMb: usage.ru_maxrss / 1024 };
        } catch {
          return { pid: worker.pid, load, cpuSeconds: 0, maxRssMb: 0 };
        }
      }),
    );
  }

  /** The worker processes' ids, for tests that kill one. */
  pids(): number[] {
    return this.slots.map((s) => s.worker.pid);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { worker } of this.slots.splice(0)) worker.close();
  }
}
