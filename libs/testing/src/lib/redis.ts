import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './services';

/** `url` on database index `db` (`redis://host:port/db`). */
export function redisDatabaseUrl(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

/** `<label>:<random>:`: a key prefix unique per run, so suites sharing one Redis never touch each other's keys. */
export function uniqueRedisPrefix(label: string): string {
  return `${label}:${process.pid.toString(36)}${randomBytes(4).toString('hex')}:`;
}

/**
 * A connected client that gives up quickly (no endless reconnects keeping a runner alive) when
 * Redis is not there.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const { Redis: Client } = await import('ioredis');
  const client = new Client(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => (attempt > 5 ? null : 200),
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${url}: ${(error as Error).message}`);
  }
  return client;
}

/** Deletes every key under `prefix` (on the test Redis by default); resolves with how many went. */
export async function clearRedisPrefix(prefix: string, url: string = TEST_REDIS_URL): Promise<number> {
  const redis = await connectRedis(url);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
  return deleted;
}

/**
 * Database indexes a spec may lease. 0 holds the leases and the prefixed keys of the unit specs;
 * 7 is the bench's default; neither is ever flushed, so neither is handed out.
 */
export const LEASABLE_REDIS_DATABASES: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15];

const LEASE_KEY = (db: number) => `gtd-test:redis-db-lease:${db}`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/** A Redis database index held by this process alone until `release()`. */
export interface RedisDatabaseLease {
  db: number;
  /** The server URL on that database. */
  url: string;
  release(): Promise<void>;
}

/**
 * Leases a whole database index, for a spec that may FLUSHDB it: a key in database 0 says who
 * holds which index, renewed while the process lives and expiring `ttlMs` after it died, so two
 * runs on one Redis (two engineers, two suites) never get the same index.
 */
export async function leaseRedisDatabase(
  url: string = TEST_REDIS_URL,
  { candidates = LEASABLE_REDIS_DATABASES, ttlMs = 60_000 } = {},
): Promise<RedisDatabaseLease> {
  const redis = await connectRedis(redisDatabaseUrl(url, 0));
  const owner = `${process.pid}:${randomBytes(8).toString('hex')}`;
  try {
    for (const db of candidates) {
      if ((await redis.set(LEASE_KEY(db), owner, 'PX', ttlMs, 'NX')) !== 'OK') continue;
      const renewal = setInterval(() => {
        redis.eval(RENEW, 1, LEASE_KEY(db), owner, ttlMs).catch(() => undefined);
      }, ttlMs / 3);
      renewal.unref();
      return {
        db,
        url: redisDatabaseUrl(url, db),
        release: async () => {
          clearInterval(renewal);
          try {
            await redis.eval(RELEASE, 1, LEASE_KEY(db), owner);
          } finally {
            await redis.quit().catch(() => redis.disconnect());
          }
        },
      };
    }
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  redis.disconnect();
  throw new Error(`Every Redis database index of ${candidates.join(', ')} is leased on ${url}`);
}
