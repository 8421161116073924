/**
 * Lua scripts and key names of the Redis adapter. Redis runs a script to completion before any
 * other command, so each script is one atomic step across every API process.
 *
 * Every script that acts on a drop first checks the `built-from` marker: it is the gate a counter
 * rebuild closes (deletes) before it clears and rewrites the derived keys and opens (sets) once
 * they are complete, so nothing is sold, replayed or restocked against half-rebuilt state.
 * A script that finds the gate closed answers `not-ready` and changes nothing.
 */

/**
 * The whole purchase — idempotency key, product, rules, per-buyer limit, stock, then decrement,
 * buyer total, order event, pending order and key — in the order of the port's contract.
 * Rejections write nothing, so the sold-out hot path stays read-only. The order event and the
 * pending order carry the price and currency read from the rules hash in the same script, so the
 * order records the price it was sold at ('' when a hash written by an older build has none).
 *
 * KEYS: 1 built-from, 2 available counter, 3 rules hash, 4 buyer totals hash, 5 idempotency key
 *       hash (any name when there is no key), 6 order stream, 7 pending-order hash.
 * ARGV: 1 quantity, 2 order id, 3 product id, 4 now (ms, the caller's clock), 5 buyer id or '',
 *       6 idempotency key or '', 7 fingerprint, 8 key TTL (ms), 9 key lifetime in Redis (ms),
 *       10 createdAt (ISO 8601 of ARGV 4), 11 the key's scope (`PurchaseCommand.idempotencyScope`,
 *       carried with the order so the persister and a rebuild store the key in the scope it was used in).
 * Returns one of:
 *   {'not-ready'}
 *   {'replay', remaining, orderId, createdAtMs}
 *   {'mismatch', available}
 *   {'rejected', code, available, bought, paused, startsAtMs, endsAtMs, perBuyerLimit}
 *   {'sold', remaining}
 * (rule fields are strings, '' for none; `bought` is only meaningful for LIMIT_REACHED).
 */
export const PURCHASE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-ready'} end
local quantity = tonumber(ARGV[1])
local now = tonumber(ARGV[4])
local buyer = ARGV[5]
local key = ARGV[6]
if key ~= '' then
  local stored = redis.call('HMGET', KEYS[5], 'f', 'o', 'r', 't')
  if stored[1] and stored[4] and now - tonumber(stored[4]) < tonumber(ARGV[8]) then
    if stored[1] ~= ARGV[7] then return {'mismatch', tonumber(redis.call('GET', KEYS[2]) or '0')} end
    return {'replay', tonumber(stored[3]), stored[2], stored[4]}
  end
end
local counter = redis.call('GET', KEYS[2])
if not counter then return {'rejected', 'PRODUCT_NOT_FOUND', 0, 0, '0', '', '', ''} end
local available = tonumber(counter)
local rules = redis.call('HMGET', KEYS[3], 'paused', 'starts', 'ends', 'limit', 'price', 'currency')
local function reject(code, bought)
  return {'rejected', code, available, bought, rules[1] or '0', rules[2] or '', rules[3] or '', rules[4] or ''}
end
if rules[1] == '1' then return reject('PAUSED', 0) end
local starts = tonumber(rules[2])
if starts and now < starts then return reject('NOT_STARTED', 0) end
local ends = tonumber(rules[3])
if ends and now >= ends then return reject('ENDED', 0) end
local limit = tonumber(rules[4])
if limit then
  if buyer == '' then return reject('AUTH_REQUIRED', 0) end
  local bought = tonumber(redis.call('HGET', KEYS[4], buyer) or '0')
  if bought + quantity > limit then return reject('LIMIT_REACHED', bought) end
end
if available == 0 then return reject('SOLD_OUT', 0) end
if available < quantity then return reject('INSUFFICIENT_STOCK', 0) end
local remaining = redis.call('DECRBY', KEYS[2], quantity)
if buyer ~= '' then redis.call('HINCRBY', KEYS[4], buyer, quantity) end
local price = rules[5] or ''
local currency = rules[6] or ''
redis.call('XADD', KEYS[6], '*', 'o', ARGV[2], 'p', ARGV[3], 'q', ARGV[1], 't', ARGV[10],
  'b', buyer, 'r', remaining, 's', ARGV[11], 'k', key, 'pr', price, 'cu', currency)
redis.call('HSET', KEYS[7], ARGV[2], '=' .. price .. '|' .. currency .. '|' .. ARGV[11] .. '|' ..
  ARGV[3] .. '|' .. ARGV[1] .. '|' .. ARGV[10] .. '|' .. buyer .. '|' .. remaining .. '|' .. key)
if key ~= '' then
  redis.call('HSET', KEYS[5], 'f', ARGV[7], 'o', ARGV[2], 'r', remaining, 't', ARGV[4])
  redis.call('PEXPIRE', KEYS[5], ARGV[9])
end
return {'sold', remaining}
`;

/**
 * The poll: counter and rules in one round trip and one consistent view.
 * KEYS: 1 built-from, 2 available counter, 3 rules hash.
 * Returns {'not-ready'}, {'missing'} or {'found', available, paused, startsAtMs, endsAtMs, perBuyerLimit}.
 */
export const INVENTORY_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-ready'} end
local counter = redis.call('GET', KEYS[2])
if not counter then return {'missing'} end
local rules = redis.call('HMGET', KEYS[3], 'paused', 'starts', 'ends', 'limit')
return {'found', tonumber(counter), rules[1] or '0', rules[2] or '', rules[3] or '', rules[4] or ''}
`;

/**
 * First step of a `set` restock, atomic with purchases: delta = quantity − available. A delta ≤ 0
 * (fewer units) is applied here, before PostgreSQL; a positive one only reported, to be applied
 * after PostgreSQL (see `RedisInventoryStore.restock` for why that order).
 * KEYS: 1 built-from, 2 available counter. ARGV: 1 quantity.
 * Returns {'not-ready'}, {'missing'}, {'applied', delta} or {'deferred', delta}.
 */
export const RESTOCK_SET_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-ready'} end
local counter = redis.call('GET', KEYS[2])
if not counter then return {'missing'} end
local delta = tonumber(ARGV[1]) - tonumber(counter)
if delta > 0 then return {'deferred', delta} end
redis.call('SET', KEYS[2], ARGV[1])
return {'applied', delta}
`;

/**
 * Adds units PostgreSQL already holds. Skipped while the gate is closed or the counter is missing:
 * the rebuild that follows computes the counter from PostgreSQL, which already has them.
 * KEYS: 1 built-from, 2 available counter. ARGV: 1 units. Returns {'applied', available} or {'skipped'}.
 */
export const ADD_STOCK_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then return {'skipped'} end
return {'applied', redis.call('INCRBY', KEYS[2], ARGV[1])}
`;

/**
 * The operator's cancel of one order, atomic with purchases. The caller found the order (still
 * waiting in Redis, or stored in PostgreSQL) and passes what it needs: an order's product,
 * quantity and buyer never change, so only the cancel itself is decided here. The cancelled hash
 * holds every cancel for good (a rebuild rewrites it from PostgreSQL plus the waiting cancels), so
 * of any number of cancels of one order, whenever they read the order, only the first finds no
 * entry. The event goes into the order stream, after its sale's, so the persister meets them in
 * the order they were decided; the pending-cancel entry counts it in reads until it is stored.
 * The quantity goes back on sale and off the buyer's total (an emptied total is removed, as
 * PostgreSQL removes its row).
 *
 * KEYS: 1 built-from, 2 cancelled hash, 3 available counter, 4 buyer totals hash, 5 order stream,
 *       6 pending-cancel hash.
 * ARGV: 1 order id, 2 product id, 3 quantity, 4 buyer id or '', 5 cancelledAt (ISO 8601).
 * Returns {'not-ready'}, {'already', first cancelledAt}, {'missing'} (no counter) or
 *   {'cancelled', available}.
 */
export const CANCEL_ORDER_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-ready'} end
local first = redis.call('HGET', KEYS[2], ARGV[1])
if first then return {'already', first} end
if redis.call('EXISTS', KEYS[3]) == 0 then return {'missing'} end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
local available = redis.call('INCRBY', KEYS[3], ARGV[3])
if ARGV[4] ~= '' then
  if redis.call('HINCRBY', KEYS[4], ARGV[4], -tonumber(ARGV[3])) <= 0 then
    redis.call('HDEL', KEYS[4], ARGV[4])
  end
end
redis.call('XADD', KEYS[5], '*', 'x', ARGV[1], 'p', ARGV[2], 'q', ARGV[3], 'b', ARGV[4], 'xt', ARGV[5])
redis.call('HSET', KEYS[6], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[5] .. '|' .. ARGV[4])
return {'cancelled', available}
`;

/** Deletes a lock only while it still holds our token (not one that expired and was re-taken). */
export const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * The last step of a rebuild: opens the gate only if the rebuild still holds the maintenance lock,
 * so a rebuild that outlived its lock never opens the gate over another one's half-written state.
 * KEYS: 1 maintenance lock, 2 built-from. ARGV: 1 token, 2 epoch. Returns 1, or 0 when the lock was lost.
 */
export const OPEN_GATE_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

/** Redis key names under the configured prefix. */
export const RedisKeys = {
  available: (productId: number) => `available:${productId}`,
  /**
   * Hash: paused ('1'/'0'), starts, ends (epoch ms or ''), limit (units or ''), and what the
   * purchase records as the order's price: price (minor units), currency.
   */
  rules: (productId: number) => `rules:${productId}`,
  /** Hash: buyer id → units held in orders that stand (stored and still pending); none: no field. */
  buyers: (productId: number) => `buyers:${productId}`,
  /**
   * Hash of a key's first success: f (fingerprint), o (order id), r (remaining), t (created, ms).
   * The scope is a buyer id (a UUID), '@' and an address digest, or '' (older anonymous keys): none
   * holds a ':', so the first ':' after it ends the scope.
   */
  idempotency: (scope: string, key: string) => `idem:${scope}:${key}`,
  /**
   * Sale and cancel events, in the order they were decided, waiting for the persister (entries are
   * deleted once stored in PostgreSQL).
   */
  orders: 'orders',
  /**
   * orderId → "=price|currency|scope|productId|quantity|createdAt|buyerId|remaining|key" for orders
   * not yet in PostgreSQL (see `decodePending` for the older forms).
   */
  pending: 'pending-orders',
  /**
   * orderId → cancelledAt (ISO 8601) of every cancelled order, kept for good: the first-cancel
   * check (see `CANCEL_ORDER_LUA`) and what reads show. A rebuild rewrites it whole.
   */
  cancelled: 'cancelled-orders',
  /** Where a rebuild writes the cancelled hash before renaming it over the live one. */
  cancelledRebuild: 'cancelled-orders:rebuild',
  /**
   * orderId → "productId|quantity|cancelledAt|buyerId" for cancels not yet stored in PostgreSQL
   * (deleted by the persister with the event), as the pending-order hash is for sales.
   */
  pendingCancels: 'pending-cancels',
  /** The PostgreSQL epoch these keys were built from; also the gate (see above). */
  builtFrom: 'built-from',
  /** Held by a rebuild or an operator write, so they never interleave. */
  maintenanceLock: 'rebuild-lock',
} as const;

/** Patterns of the keys a rebuild derives from PostgreSQL (and so clears first). */
export const DERIVED_KEY_PATTERNS = ['available:*', 'rules:*', 'buyers:*', 'idem:*'] as const;

export const PERSISTER_GROUP = 'persisters';
