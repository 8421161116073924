import { Logger } from '@nestjs/common';
import type { RedisDurabilityMode } from '@gtd/api-platform';
import type Redis from 'ioredis';

/**
 * Redis's persistence as the API read it at start-up. `unknown` holds why it could not be read
 * (CONFIG renamed or disabled, as on many managed services, or denied by an ACL).
 */
export interface RedisPersistence {
  appendonly?: string;
  appendfsync?: string;
  unknown?: string;
}

/** The durability the API runs with: what it read, and the operator's `REDIS_DURABILITY`. */
export interface RedisDurability extends RedisPersistence {
  mode: RedisDurabilityMode;
  /** Every script's writes are on disk before Redis answers: `appendonly yes` + `appendfsync always`. */
  durable: boolean;
}

/**
 * The only durable setting: with AOF and an fsync per write, a purchase script's order event is on
 * disk before the API hears "sold", so a Redis crash cannot lose a confirmed order. `everysec`
 * loses up to a second of them; no AOF loses everything since the last snapshot — and after the
 * rebuild those units are on sale again.
 */
export const isDurable = (persistence: RedisPersistence): boolean =>
  persistence.unknown === undefined &&
  persistence.appendonly === 'yes' &&
  persistence.appendfsync === 'always';

/** `CONFIG GET` of one parameter: its value, or undefined when the server does not know it. */
async function configValue(redis: Redis, parameter: string): Promise<string | undefined> {
  // A flat [name, value] list (RESP2); Redis 6 takes one parameter per call, so one call each.
  const reply = (await redis.config('GET', parameter)) as string[];
  const at = reply.indexOf(parameter);
  return at >= 0 ? reply[at + 1] : undefined;
}

/** Reads `appendonly` and `appendfsync`; a refused or failed CONFIG makes them unknown, never durable. */
export async function readRedisPersistence(redis: Redis): Promise<RedisPersistence> {
  try {
    const appendonly = await configValue(redis, 'appendonly');
    const appendfsync = await configValue(redis, 'appendfsync');
    if (appendonly === undefined || appendfsync === undefined) {
      return { appendonly, appendfsync, unknown: 'CONFIG GET did not report appendonly and appendfsync' };
    }
    return { appendonly, appendfsync };
  } catch (error) {
    return { unknown: `CONFIG GET failed: ${(error as Error).message}` };
  }
}

const describePersistence = (p: RedisPersistence): string =>
  p.unknown !== undefined
    ? `its persistence settings are unknown (${p.unknown})`
    : `it runs with appendonly ${p.appendonly}, appendfsync ${p.appendfsync}`;

/**
 * Decides whether the API may sell on this Redis: with `require` only on a durable one, otherwise
 * it throws (the start-up refusal, naming both ways out); with `accept-loss` always, the operator
 * having said a crash may lose and resell recent orders.
 */
export function assessDurability(persistence: RedisPersistence, mode: RedisDurabilityMode): RedisDurability {
  const durable = isDurable(persistence);
  if (!durable && mode === 'require') {
    throw new Error(
      `Redis is not durable: ${describePersistence(persistence)}, so a Redis crash would lose orders already ` +
        'confirmed to buyers and sell their units again. Configure the Redis server with ' +
        '`appendonly yes` and `appendfsync always`, or set REDIS_DURABILITY=accept-loss to accept that risk.',
    );
  }
  return { ...persistence, mode, durable };
}

/** The start-up log line saying which durability is in effect. */
export function durabilityLogLine(durability: RedisDurability): string {
  if (durability.durable) {
    return `Redis is durable (appendonly yes, appendfsync always): a Redis crash loses no confirmed order (REDIS_DURABILITY=${durability.mode})`;
  }
  return (
    `Redis is NOT durable: ${describePersistence(durability)}. REDIS_DURABILITY=accept-loss: a Redis crash may lose ` +
    'orders confirmed since its last write to disk and sell their units again'
  );
}

/**
 * Reads the settings and decides (see `assessDurability`): throws the refusal, or logs which
 * durability the API sells with — a warning when it is not durable.
 */
export async function checkRedisDurability(
  redis: Redis,
  mode: RedisDurabilityMode,
): Promise<RedisDurability> {
  const durability = assessDurability(await readRedisPersistence(redis), mode);
  const logger = new Logger('RedisStore');
  if (durability.durable) logger.log(durabilityLogLine(durability));
  else logger.warn(durabilityLogLine(durability));
  return durability;
}
