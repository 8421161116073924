import Redis from 'ioredis';
import { clearRedisPrefix, createTestDatabase, describeWithService, TEST_REDIS_URL } from '@gtd/testing';
import { Stores } from '../../stores';
import { QueueKeys } from './redis-queue-scripts';
import { RedisKeys } from './redis-scripts';
import { openRedisStores } from './redis-stores';

/** What the contract cannot see: the stored format, and the queue's life beside the inventory's keys. */
describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })('RedisQueueStore', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let keyPrefix: string;
  let redis: Redis;
  let stores: Stores;

  beforeEach(async () => {
    database = await createTestDatabase();
    keyPrefix = `gtd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
    redis = new Redis(TEST_REDIS_URL, { keyPrefix });
    stores = await openRedisStores({
      redisUrl: TEST_REDIS_URL,
      databaseUrl: database.url,
      keyPrefix,
      durability: 'accept-loss',
    });
  });

  afterEach(async () => {
    await stores.close();
    await redis.quit();
    await clearRedisPrefix(keyPrefix);
    await database.drop();
  });

  it('stores the drawn order as little-endian 32-bit values under the key prefix', async () => {
    for (let i = 0; i < 3; i++) await stores.queue.join(1, null, true);
    await stores.queue.draw(1, Uint32Array.from([2, 0, 0x01020304]));
    // 0x01020304 is no position of a 3-ticket draw, but the script checks only the length, and
    // its bytes show the order on the wire.
    expect(await redis.getBuffer(QueueKeys.order(1))).toEqual(
      Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1]),
    );
  });

  it('survives a rebuild of the inventory keys, which are a cache of PostgreSQL and it is not', async () => {
    await stores.inventory.seedIfEmpty([
      { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 10 },
    ]);
    await stores.queue.join(1, 'buyer-a', true);
    await stores.queue.admit(1, 0, 1, 1_000);
    await stores.queue.claimPass(1, 1, 'key-a');
    await redis.del(RedisKeys.builtFrom);

    expect((await stores.inventory.inventory(1))?.available).toBe(10);
    expect(await redis.exists(RedisKeys.builtFrom)).toBe(1);
    expect(await stores.queue.progress(1)).toMatchObject({ preQueueJoined: 1, admitted: 1 });
    expect(await stores.queue.join(1, 'buyer-a', false)).toEqual({ kind: 'pre', n: 1, existing: true });
    expect(await stores.queue.claimPass(1, 1, 'key-b')).toBe('taken');
  });
});
