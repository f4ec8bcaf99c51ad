/**
 * The real server in a process of its own, on the embedded file store, with one difference:
 * every write reaches the disk STORE_DELAY_MS after it is asked for (in call order). A test
 * can then kill the process (SIGKILL) while writes are in flight and check, after a restart on
 * the same data directory, that nothing it was told was stored is missing.
 *
 *   node --import tsx tests/helpers/slowDiskServer.ts    (env: DATA_DIR, STORE_DELAY_MS, PORT, ADMIN_TOKEN)
 *
 * Prints one JSON line `{"url": …}` once it listens.
 */
import pino from 'pino';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { FileEventStore, type EventStore, type StoredEvent } from '../../server/src/store/index.js';
import type { BallotBoxBackend, BoxEntry } from '../../server/src/store/BallotBox.js';

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Timers of equal delay fire in the order they were set, so the inner store still sees call order. */
class SlowDisk implements EventStore {
  readonly kind = 'file' as const;
  readonly ballots: BallotBoxBackend;

  constructor(
    private readonly inner: EventStore,
    private readonly delayMs: number,
  ) {
    const box = inner.ballots;
    this.ballots = {
      persist: (consultationId: string, motionId: string, entries: BoxEntry[], voters: string[], eligible: readonly string[]) =>
        later(delayMs).then(() => box.persist(consultationId, motionId, entries, voters, eligible)),
      load: (consultationId: string, motionId: string, eligible: readonly string[]) => box.load(consultationId, motionId, eligible),
      close: () => box.close(),
    };
  }

  append(consultationId: string, events: readonly StoredEvent[]): Promise<void> {
    return later(this.delayMs).then(() => this.inner.append(consultationId, events));
  }

  read(consultationId: string): Promise<StoredEvent[]> {
    return this.inner.read(consultationId);
  }

  list(): Promise<string[]> {
    return this.inner.list();
  }

  secret(name: string, create: () => string): Promise<string> {
    return this.inner.secret(name, create);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const config = loadConfig({ ...process.env, HOST: '127.0.0.1', RTC_LISTEN_IP: '127.0.0.1', MEDIASOUP_WORKERS: '1' });
const store = new SlowDisk(await FileEventStore.open(config.dataDir), Number(process.env.STORE_DELAY_MS ?? 500));
const app = await buildApp(config, { store, logger: pino({ level: 'warn' }) });
const url = await app.listen();
process.stdout.write(JSON.stringify({ url }) + '\n');
