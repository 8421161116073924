/**
 * The whole purchase as one Lua script: Redis runs a script to completion before any other
 * command, so check, decrement and order event are one atomic step across every API process.
 *
 * KEYS: available counter, order stream, pending-order hash.
 * ARGV: quantity, order id, product id, ISO timestamp.
 * Returns {1, remaining} when sold, {0, available} when not enough is left, {-1, 0} when the
 * product has no counter (unknown product).
 */
export const PURCHASE_LUA = `
local available = redis.call('GET', KEYS[1])
if not available then return {-1, 0} end
available = tonumber(available)
local quantity = tonumber(ARGV[1])
if available < quantity then return {0, available} end
local remaining = redis.call('DECRBY', KEYS[1], quantity)
redis.call('XADD', KEYS[2], '*', 'o', ARGV[2], 'p', ARGV[3], 'q', ARGV[1], 't', ARGV[4])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3] .. '|' .. ARGV[1] .. '|' .. ARGV[4])
return {1, remaining}
`;

/** Redis key names under the configured prefix. */
export const RedisKeys = {
  available: (productId: number) => `available:${productId}`,
  /** Order events waiting for the persister (entries are deleted once stored in PostgreSQL). */
  orders: 'orders',
  /** orderId → "productId|quantity|createdAt" for orders not yet in PostgreSQL (GET /orders). */
  pending: 'pending-orders',
  /** The PostgreSQL epoch these counters were built from. */
  builtFrom: 'built-from',
  rebuildLock: 'rebuild-lock',
} as const;

export const PERSISTER_GROUP = 'persisters';
