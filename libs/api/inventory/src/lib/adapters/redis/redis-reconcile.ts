import { PostgresOrderLedger } from '../postgres/postgres-ledger';
import { RedisConnection } from './redis-connection';
import { decodeRules, sameRules } from './redis-records';
import { soldByProduct } from './redis-rebuild';
import { RedisKeys } from './redis-scripts';

export interface ReconcileRow {
  productId: number;
  name: string;
  stock: number;
  sold: number;
  redisAvailable: number | null;
  postgresAvailable: number;
  expectedAvailable: number;
  /** Redis's rules hash says what PostgreSQL's product row says. */
  rulesAgree: boolean;
  agree: boolean;
}

/**
 * Per-product comparison of Redis with PostgreSQL, for `npm run reconcile`. Raw reads on purpose:
 * a report must show a wiped Redis as it is, not heal it on the way.
 */
export async function compareRedisWithPostgres(
  connection: RedisConnection,
  ledger: PostgresOrderLedger,
): Promise<ReconcileRow[]> {
  const { redis } = connection;
  const waiting = await connection.waitingEvents();
  const snapshot = await ledger.snapshot(
    [...waiting.orders.map((p) => p.order.orderId), ...waiting.cancels.map((c) => c.orderId)],
    null,
  );
  const sold = soldByProduct(snapshot, waiting);
  const ids = snapshot.products.map((p) => p.id);
  const counters = ids.length > 0 ? await redis.mget(ids.map((id) => RedisKeys.available(id))) : [];
  const rulesPipeline = redis.pipeline();
  for (const id of ids) {
    rulesPipeline.hmget(RedisKeys.rules(id), 'paused', 'starts', 'ends', 'limit', 'price', 'currency');
  }
  const rules = ids.length > 0 ? ((await rulesPipeline.exec()) ?? []) : [];
  return snapshot.products.map((p, i) => {
    const counter = counters[i];
    const redisAvailable = counter === null || counter === undefined ? null : Number(counter);
    const expectedAvailable = p.stock - (sold.get(p.id) ?? 0);
    const [error, fields] = rules[i] ?? [null, null];
    if (error) throw error;
    const [paused, starts, ends, limit, price, currency] = fields as (string | null)[];
    // The price counts as a rule here: it is what the next order records.
    const rulesAgree =
      sameRules(decodeRules(paused, starts, ends, limit), p) &&
      price === String(p.price) &&
      currency === p.currency;
    return {
      productId: p.id,
      name: p.name,
      stock: p.stock,
      sold: sold.get(p.id) ?? 0,
      redisAvailable,
      postgresAvailable: p.storedAvailable,
      expectedAvailable,
      rulesAgree,
      agree: redisAvailable === expectedAvailable && rulesAgree,
    };
  });
}
