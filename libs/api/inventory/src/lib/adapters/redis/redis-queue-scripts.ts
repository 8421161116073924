/**
 * Lua scripts and key names of the Redis queue store. Each mutating call of the port is one script
 * (or one command), so Redis runs it whole before anything else: two API processes never hand out
 * a ticket number twice, never draw twice, never move the cursor from a stale value.
 *
 * Numbers that Lua would have to print (times, limits) are computed by the caller and passed as
 * strings: Lua 5.1 prints large numbers in exponent form ("1.8934560e+12").
 */

/**
 * A ticket: the buyer's held ticket, else the next number of its kind. A pre-queue join after the
 * draw gets an open ticket (it was not in the draw).
 * KEYS: 1 state hash, 2 buyers hash. ARGV: 1 buyer id or '', 2 '1' for a pre-queue join.
 * Returns {ticket, existing} with ticket "kind:n" and existing 1 or 0.
 */
export const QUEUE_JOIN_LUA = `
local buyer = ARGV[1]
if buyer ~= '' then
  local held = redis.call('HGET', KEYS[2], buyer)
  if held then return {held, 1} end
end
local kind = 'open'
if ARGV[2] == '1' and redis.call('HEXISTS', KEYS[1], 'drawn') == 0 then kind = 'pre' end
local ticket = kind .. ':' .. redis.call('HINCRBY', KEYS[1], kind, 1)
if buyer ~= '' then redis.call('HSET', KEYS[2], buyer, ticket) end
return {ticket, 0}
`;

/**
 * The draw, once: the order is stored in the same step that sets `drawn`, so no instance ever
 * reads a drawn count without its order. A drop drawn before answers its first count.
 * KEYS: 1 state hash, 2 order string. ARGV: 1 'fifo' or 'order', 2 the order's bytes (4 a ticket).
 * Returns {'drawn', drawnCount} or {'stale', preQueueJoined}.
 */
export const QUEUE_DRAW_LUA = `
local drawn = redis.call('HGET', KEYS[1], 'drawn')
if drawn then return {'drawn', tonumber(drawn)} end
local joined = tonumber(redis.call('HGET', KEYS[1], 'pre') or '0')
if ARGV[1] == 'order' then
  if #ARGV[2] ~= joined * 4 then return {'stale', joined} end
  redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('HSET', KEYS[1], 'drawn', joined)
return {'drawn', joined}
`;

/**
 * Moves the cursor from `expected` to `through` and records the step in both indexes.
 * KEYS: 1 state hash, 2 steps by through, 3 steps by time.
 * ARGV: 1 expected, 2 through, 3 atMs. Returns 1, or 0 (nothing changed) for a stale `expected`.
 */
export const QUEUE_ADMIT_LUA = `
local admitted = tonumber(redis.call('HGET', KEYS[1], 'admitted') or '0')
local expected = tonumber(ARGV[1])
if admitted ~= expected or tonumber(ARGV[2]) <= expected then return 0 end
redis.call('HSET', KEYS[1], 'admitted', ARGV[2], 'last', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2] .. ':' .. ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return 1
`;

/**
 * The cursor as it stood at a time: the furthest step of the latest moment not after it (steps
 * taken in the same millisecond share a score, and members order as text, not as numbers).
 * KEYS: 1 steps by time. ARGV: 1 atMs. Returns the position (0 before the first step).
 */
export const QUEUE_ADMITTED_AS_OF_LUA = `
local latest = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if #latest == 0 then return 0 end
local through = 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], latest[2], latest[2])) do
  through = math.max(through, tonumber(member))
end
return through
`;

/**
 * A pass's first claim holds it. KEYS: 1 claims hash, 2 claimed positions zset.
 * ARGV: 1 position, 2 claim key. Returns 'claimed', 'same' or 'taken'.
 */
export const QUEUE_CLAIM_LUA = `
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if not holder then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
  return 'claimed'
end
if holder == ARGV[2] then return 'same' end
return 'taken'
`;

/** Gives a claim back only while `claimKey` holds it. Same KEYS and ARGV as the claim; returns 1 or 0. */
export const QUEUE_RELEASE_LUA = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * Takes or renews the admission lease. It runs out by the callers' clock (`nowMs`), which need not
 * be Redis's, so Redis's own expiry only collects the key long after.
 * KEYS: 1 lease hash. ARGV: 1 holder, 2 now (ms), 3 until (ms), 4 Redis expiry (ms).
 * Returns 1 when `holder` leads, else 0.
 */
export const QUEUE_LEAD_LUA = `
local lease = redis.call('HMGET', KEYS[1], 'holder', 'until')
if lease[1] and lease[1] ~= ARGV[1] and tonumber(lease[2]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

/** A drop's keys share one hash tag, so its scripts stay valid on a Redis Cluster. */
const dropKey = (productId: number, part: string) => `{queue:${productId}}:${part}`;

/** Redis key names of the queue, under the store's prefix. */
export const QueueKeys = {
  /** Hash: pre, open (tickets handed out), drawn (absent until drawn), admitted, last (ms). */
  state: (productId: number) => dropKey(productId, 'state'),
  /** The drawn order's Uint32 values, little-endian; absent for a fifo draw. */
  order: (productId: number) => dropKey(productId, 'order'),
  /** Hash: buyer id → "kind:n". */
  buyers: (productId: number) => dropKey(productId, 'buyers'),
  /** Zset: score through, member "through:atMs" (through is unique: the cursor only moves forward). */
  stepsByThrough: (productId: number) => dropKey(productId, 'steps'),
  /** Zset: score atMs, member through. */
  stepsByTime: (productId: number) => dropKey(productId, 'step-times'),
  /** Hash: position → the claim key holding its pass. */
  claims: (productId: number) => dropKey(productId, 'claims'),
  /** Zset of the claimed positions (score = member = position), counted by range. */
  claimed: (productId: number) => dropKey(productId, 'claimed'),
  /** Hash: holder, until (ms). */
  lease: (productId: number) => dropKey(productId, 'lease'),
  /** Hash: product id → the settings as JSON. */
  settings: 'queue-settings',
  challenge: (challengeId: string) => `queue-challenge:${challengeId}`,
  secret: (name: string) => `queue-secret:${name}`,
} as const;
