import { promises as fs } from 'node:fs';
import path from 'node:path';
import { assertStoreId, type EventStore, type StoredEvent } from './EventStore.js';
import { FileBallotBoxBackend } from './BallotBox.js';

interface PendingWrite {
  lines: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Appends to one log file; concurrent appends share one write and one fdatasync (group commit). */
class LogFile {
  private handle: fs.FileHandle | undefined;
  private queue: PendingWrite[] = [];
  private flushing = false;
  /** Once a write fails, later appends fail too (no gap in the log) until the file is reopened. */
  private failed: Error | undefined;

  constructor(private readonly file: string) {}

  append(lines: string): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ lines, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        this.handle ??= await fs.open(this.file, 'a');
        await this.handle.write(batch.map((w) => w.lines).join(''));
        await this.handle.datasync();
        for (const w of batch) w.resolve();
      } catch (err) {
        this.failed = err as Error;
        for (const w of [...batch, ...this.queue]) w.reject(err as Error);
        this.queue = [];
      }
    }
    this.flushing = false;
  }

  get isBroken(): boolean {
    return this.failed !== undefined;
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * The embedded store: `DATA_DIR/consultations/<id>.log`, one JSON event per line,
 * flushed to disk (fdatasync) before `append` resolves.
 */
export class FileEventStore implements EventStore {
  readonly kind = 'file' as const;
  private readonly files = new Map<string, LogFile>();
  private readonly dir: string;
  readonly ballots: FileBallotBoxBackend;

  private constructor(private readonly dataDir: string) {
    this.dir = path.join(dataDir, 'consultations');
    this.ballots = new FileBallotBoxBackend(dataDir);
  }

  static async open(dataDir: string): Promise<FileEventStore> {
    const store = new FileEventStore(dataDir);
    await fs.mkdir(store.dir, { recursive: true });
    return store;
  }

  private fileFor(id: string): string {
    assertStoreId(id);
    return path.join(this.dir, `${id}.log`);
  }

  async append(consultationId: string, events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const file = this.fileFor(consultationId);
    let log = this.files.get(consultationId);
    if (!log) {
      log = new LogFile(file);
      this.files.set(consultationId, log);
    }
    await log.append(events.map((e) => JSON.stringify(e) + '\n').join(''));
  }

  async read(consultationId: string): Promise<StoredEvent[]> {
    const file = this.fileFor(consultationId);
    const log = this.files.get(consultationId);
    if (log?.isBroken) {
      // After a failed write the consultation is reloaded from disk; appends resume on a fresh handle.
      this.files.delete(consultationId);
      await log.close().catch(() => undefined);
    }
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const events: StoredEvent[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      try {
        events.push(JSON.parse(line) as StoredEvent);
      } catch (err) {
        // Only the last line can be torn (a crash mid-write, never acknowledged); anything else is corruption.
        if (lines.slice(i + 1).some((l) => l !== '')) throw new Error(`corrupt log ${file} at line ${i + 1}`, { cause: err });
        // A log this process is appending to may show a write in progress: leave it be.
        if (this.files.has(consultationId)) break;
        await fs.truncate(
          file,
          Buffer.byteLength(
            lines
              .slice(0, i)
              .map((l) => l + '\n')
              .join(''),
          ),
        );
      }
    }
    return events;
  }

  async list(): Promise<string[]> {
    const names = await fs.readdir(this.dir);
    return names.filter((n) => n.endsWith('.log')).map((n) => n.slice(0, -4));
  }

  async secret(name: string, create: () => string): Promise<string> {
    const file = path.join(this.dataDir, `${name}.secret`);
    try {
      return (await fs.readFile(file, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const value = create();
    try {
      await fs.writeFile(file, value + '\n', { flag: 'wx', mode: 0o600 });
      return value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await fs.readFile(file, 'utf8')).trim();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.ballots.close();
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
  }
}
