import { Redis } from 'ioredis';
import { assertStoreId, type EventStore, type StoredEvent } from './EventStore.js';
import { RedisBallotBoxBackend } from './BallotBox.js';

const PREFIX = 'consult';
const INDEX = `${PREFIX}:consultations`;
const logKey = (id: string) => `${PREFIX}:log:${id}`;

/**
 * One Redis Stream per consultation (`consult:log:<id>`, field `e` = the event JSON)
 * and a set indexing them. An append is one MULTI/EXEC, acknowledged by Redis before
 * `append` resolves; Redis's own durability (appendonly/appendfsync) is set by the operator.
 */
export class RedisEventStore implements EventStore {
  readonly kind = 'redis' as const;

  readonly ballots: RedisBallotBoxBackend;

  private constructor(private readonly redis: Redis) {
    this.ballots = new RedisBallotBoxBackend(redis);
  }

  static async open(url: string): Promise<RedisEventStore> {
    const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true, enableOfflineQueue: true });
    await redis.connect();
    await redis.ping();
    return new RedisEventStore(redis);
  }

  async append(consultationId: string, events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    assertStoreId(consultationId);
    const tx = this.redis.multi();
    for (const event of events) tx.xadd(logKey(consultationId), '*', 'e', JSON.stringify(event));
    tx.sadd(INDEX, consultationId);
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('redis transaction aborted');
  }

  async read(consultationId: string): Promise<StoredEvent[]> {
    assertStoreId(consultationId);
    const events: StoredEvent[] = [];
    let start = '-';
    for (;;) {
      const page = await this.redis.xrange(logKey(consultationId), start, '+', 'COUNT', 1000);
      for (const [, fields] of page) {
        const json = fields[fields.indexOf('e') + 1];
        if (json !== undefined) events.push(JSON.parse(json) as StoredEvent);
      }
      if (page.length < 1000) return events;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  async list(): Promise<string[]> {
    return this.redis.smembers(INDEX);
  }

  async secret(name: string, create: () => string): Promise<string> {
    const key = `${PREFIX}:secret:${name}`;
    await this.redis.set(key, create(), 'NX');
    const value = await this.redis.get(key);
    if (!value) throw new Error(`could not read secret ${name} from redis`);
    return value;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
