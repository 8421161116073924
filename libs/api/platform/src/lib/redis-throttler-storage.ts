import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';

/**
 * A fixed window per key in ONE round trip: the first hit of a window creates the counter with the
 * window's lifetime; every hit returns the count and what is left of the window. The PEXPIRE repair
 * covers a counter that lost its expiry (e.g. restored without TTLs), which would otherwise block forever.
 */
const HIT_LUA = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

/** The record shape @nestjs/throttler expects (its interface is not exported by name). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

type RedisWithHit = Redis & { throttleHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * ThrottlerStorage in Redis, so `BUY_RATE_LIMIT` holds for a buyer across every API instance and
 * worker rather than per process. Counts fixed one-window buckets; a request over the limit is
 * refused until its window ends (that is what Retry-After says).
 *
 * Rate limiting is politeness, not a safety property: when Redis does not answer, the request is let
 * through (and logged) instead of failing the purchase on the limiter's account.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: RedisWithHit;
  private lastWarnedAt = 0;

  constructor(url: string, keyPrefix: string) {
    this.redis = new Redis(url, {
      keyPrefix: `${keyPrefix}throttle:`,
      // Connected once at start-up (`connect`); afterwards a limiter that waited for a reconnect would
      // hold every purchase, so commands fail at once during an outage and the request goes through.
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    }) as RedisWithHit;
    this.redis.defineCommand('throttleHit', { numberOfKeys: 1, lua: HIT_LUA });
    this.redis.on('error', (error: Error) => this.warn(`Redis: ${error.message}`));
  }

  /** Resolves once Redis answers; the module awaits it so the first purchases are counted too. */
  async connect(): Promise<void> {
    await this.redis.connect();
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, remainingMs] = await this.redis.throttleHit(key, ttl);
      const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
      const isBlocked = hits > limit;
      return {
        totalHits: hits,
        timeToExpire: seconds,
        isBlocked,
        timeToBlockExpire: isBlocked ? seconds : 0,
      };
    } catch (error) {
      this.warn(`counting failed, request let through: ${(error as Error).message}`);
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // quit() lets pending replies arrive; a client that is not connected just stops reconnecting.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  /** At most one warning a second: an outage must not turn every purchase into a log line. */
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarnedAt < 1000) return;
    this.lastWarnedAt = now;
    this.logger.warn(message);
  }
}

/**
 * Where a rate limiter counts: in Redis when one is configured (shared by every API instance, so
 * the limit holds across them), else in this process's memory. No connection for a limiter that is off.
 */
export async function createThrottlerStorage(
  redis: { url: string; keyPrefix: string } | undefined,
  enabled: boolean,
): Promise<ThrottlerStorage> {
  if (!redis || !enabled) return new ThrottlerStorageService();
  const storage = new RedisThrottlerStorage(redis.url, redis.keyPrefix);
  await storage.connect();
  return storage;
}
