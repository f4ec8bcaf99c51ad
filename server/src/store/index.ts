import type { EventStore } from './EventStore.js';
import { FileEventStore } from './FileEventStore.js';
import { RedisEventStore } from './RedisEventStore.js';

export * from './EventStore.js';
export { FileEventStore, RedisEventStore };

/** Redis when a URL is given, else the embedded file store. */
export async function openStore(options: { redisUrl?: string | undefined; dataDir: string }): Promise<EventStore> {
  return options.redisUrl ? RedisEventStore.open(options.redisUrl) : FileEventStore.open(options.dataDir);
}
