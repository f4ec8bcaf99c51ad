import { EventEmitter } from 'node:events';
import { DEFAULT_IDLE_CLOSE_MS, type MediaConfig } from './config.js';
import { MediaRoom, WORKER_CLOSED } from './MediaRoom.js';
import { WorkerPool, type WorkerInfo } from './WorkerPool.js';

type Log = { warn: (o: object, m: string) => void; info: (o: object, m: string) => void };

export interface MediaServiceEvents {
  /** The room's worker died: its participants must rebuild their transports. */
  roomLost: [consultationId: string];
  /**
   * A room was created, before anyone (a participant, a studio's ingest) gets it: listeners set
   * its media policy here, so no producer is ever created under the default.
   */
  roomCreated: [room: MediaRoom];
}

/**
 * The SFU as the server sees it: one media room per consultation, placed on the
 * least loaded worker, created on first use and re-created after a worker dies.
 */
export class MediaService extends EventEmitter<MediaServiceEvents> {
  readonly pool: WorkerPool;
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly pending = new Map<string, Promise<MediaRoom>>();
  /** When each idle room was first seen idle. */
  private readonly idleSince = new Map<MediaRoom, number>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly config: MediaConfig,
    private readonly log: Log,
  ) {
    super();
    this.pool = new WorkerPool(config, log);
    const idleMs = config.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS;
    this.sweeper = setInterval(() => this.closeIdle(idleMs, Date.now()), Math.max(50, Math.min(60_000, idleMs / 2)));
    this.sweeper.unref();
  }

  /** Closes the rooms nobody's media has used for `idleMs`: their routers go back to the workers. */
  private closeIdle(idleMs: number, now: number): void {
    for (const room of this.rooms.values()) {
      if (!room.isIdle) {
        this.idleSince.delete(room);
        continue;
      }
      const since = this.idleSince.get(room) ?? now;
      this.idleSince.set(room, since);
      if (now - since >= idleMs) {
        this.log.info({ consultationId: room.consultationId }, 'closing an idle media room');
        room.close('idle');
      }
    }
  }

  async start(): Promise<void> {
    await this.pool.start();
  }

  /** The consultation's media room, creating it on a worker if needed (concurrent callers share one). */
  async room(consultationId: string): Promise<MediaRoom> {
    const existing = this.rooms.get(consultationId);
    if (existing && !existing.isClosed) return existing;
    const inFlight = this.pending.get(consultationId);
    if (inFlight) return inFlight;
    const creation = (async () => {
      const worker = this.pool.acquire();
      try {
        const room = await MediaRoom.create(consultationId, worker, this.config, this.pool);
        this.rooms.set(consultationId, room);
        this.emit('roomCreated', room);
        room.once('closed', (reason) => {
          this.idleSince.delete(room);
          this.pool.release(worker);
          if (this.rooms.get(consultationId) === room) this.rooms.delete(consultationId);
          // mediasoup closes a dead worker's routers before it emits 'died'.
          if (reason === WORKER_CLOSED && !this.closed) {
            this.log.warn({ consultationId }, 'media room lost with its worker');
            this.emit('roomLost', consultationId);
          }
        });
        return room;
      } catch (err) {
        this.pool.release(worker);
        throw err;
      }
    })();
    this.pending.set(consultationId, creation);
    try {
      return await creation;
    } finally {
      this.pending.delete(consultationId);
    }
  }

  existingRoom(consultationId: string): MediaRoom | undefined {
    const room = this.rooms.get(consultationId);
    return room && !room.isClosed ? room : undefined;
  }

  /** Closes a consultation's room (its consultation ended): everyone's media there ends. */
  closeRoom(consultationId: string, reason = 'closed'): void {
    this.rooms.get(consultationId)?.close(reason);
  }

  allRooms(): MediaRoom[] {
    return [...this.rooms.values()];
  }

  async workers(): Promise<WorkerInfo[]> {
    return this.pool.info();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    for (const room of this.rooms.values()) room.close('shutdown');
    this.rooms.clear();
    this.pool.close();
  }
}
