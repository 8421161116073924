import { Client } from 'pg';
import { DropRules } from '../inventory-store';
import { idempotencyFingerprint, idempotencyScope } from '../purchase-rules';
import { PG_TYPES } from './postgres-inventory-store';
import { QueuedOrder } from './redis-records';
import { RedisKeys } from './redis-scripts';

/**
 * What the Redis keys are derived from: PostgreSQL (the durable truth) read in ONE snapshot, plus
 * the orders still waiting in Redis. Used by the counter rebuild and by `npm run reconcile`.
 */

export interface DurableProduct extends DropRules {
  id: number;
  name: string;
  stock: number;
  /** PostgreSQL's own `available` column (stock − stored orders), shown by reconcile. */
  storedAvailable: number;
  /** Units of the orders stored in PostgreSQL. */
  storedSold: number;
}

export interface DurableKey {
  scope: string;
  key: string;
  fingerprint: string;
  orderId: string;
  remaining: number;
  createdAtMs: number;
}

export interface DurableSnapshot {
  epoch: string;
  products: DurableProduct[];
  /** Of the order ids asked about, those PostgreSQL already stores. */
  stored: ReadonlySet<string>;
  buyerTotals: { productId: number; buyerId: string; quantity: number }[];
  keys: DurableKey[];
}

const epochMs = (value: Date | null): number | null => (value === null ? null : value.getTime());

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    connectionString: databaseUrl,
    types: PG_TYPES,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function queryEpoch(client: Client): Promise<string> {
  const { rows } = await client.query<{ value: string }>("SELECT value FROM store_meta WHERE key = 'epoch'");
  if (!rows[0]) throw new Error('PostgreSQL store has no epoch; was it migrated?');
  return rows[0].value;
}

/**
 * Reads everything in one REPEATABLE READ snapshot, so an order stored while this runs is seen
 * consistently: in `orders` (and `stored`) or not at all. `keysCreatedAfterMs: null` skips buyer
 * totals and keys (reconcile needs only the counts).
 */
export function readDurableSnapshot(
  databaseUrl: string,
  pendingOrderIds: readonly string[],
  keysCreatedAfterMs: number | null,
): Promise<DurableSnapshot> {
  return withClient(databaseUrl, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const epoch = await queryEpoch(client);
      const products = await client.query<{
        id: number;
        name: string;
        stock: number;
        available: number;
        starts_at: Date | null;
        ends_at: Date | null;
        paused: boolean;
        per_buyer_limit: number | null;
        sold: number;
      }>(
        `SELECT p.id, p.name, p.stock, p.available, p.starts_at, p.ends_at, p.paused, p.per_buyer_limit,
                coalesce(s.sold, 0)::integer AS sold
           FROM products p
           LEFT JOIN (SELECT product_id, sum(quantity) AS sold FROM orders GROUP BY product_id) s
             ON s.product_id = p.id
          ORDER BY p.id`,
      );
      const stored = await client.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1::uuid[])', [
        pendingOrderIds,
      ]);
      const withBuyerState = keysCreatedAfterMs !== null;
      const buyerTotals = withBuyerState
        ? (
            await client.query<{ product_id: number; buyer_id: string; quantity: number }>(
              'SELECT product_id, buyer_id, quantity FROM buyer_totals',
            )
          ).rows
        : [];
      const keys = withBuyerState
        ? (
            await client.query<{
              scope: string;
              key: string;
              fingerprint: string;
              order_id: string;
              remaining: number;
              created_at: Date;
            }>(
              `SELECT scope, key, fingerprint, order_id, remaining, created_at
                 FROM idempotency_keys WHERE created_at > $1`,
              [new Date(keysCreatedAfterMs)],
            )
          ).rows
        : [];
      await client.query('COMMIT');
      return {
        epoch,
        products: products.rows.map((row) => ({
          id: row.id,
          name: row.name,
          stock: row.stock,
          storedAvailable: row.available,
          storedSold: row.sold,
          startsAtMs: epochMs(row.starts_at),
          endsAtMs: epochMs(row.ends_at),
          paused: row.paused,
          perBuyerLimit: row.per_buyer_limit,
        })),
        stored: new Set(stored.rows.map((row) => row.id)),
        buyerTotals: buyerTotals.map((row) => ({
          productId: row.product_id,
          buyerId: row.buyer_id,
          quantity: row.quantity,
        })),
        keys: keys.map((row) => ({
          scope: row.scope,
          key: row.key,
          fingerprint: row.fingerprint,
          orderId: row.order_id,
          remaining: row.remaining,
          createdAtMs: row.created_at.getTime(),
        })),
      };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  });
}

/** Orders still in Redis that PostgreSQL does not store yet: sold, confirmed, counted nowhere else. */
export function unstoredOrders(snapshot: DurableSnapshot, pending: readonly QueuedOrder[]): QueuedOrder[] {
  return pending.filter((p) => !snapshot.stored.has(p.order.orderId));
}

/** Units sold per product: stored in PostgreSQL plus still waiting in Redis. */
export function soldByProduct(
  snapshot: DurableSnapshot,
  pending: readonly QueuedOrder[],
): Map<number, number> {
  const sold = new Map(snapshot.products.map((p) => [p.id, p.storedSold]));
  for (const { order } of unstoredOrders(snapshot, pending)) {
    sold.set(order.productId, (sold.get(order.productId) ?? 0) + order.quantity);
  }
  return sold;
}

export interface DerivedRedisState {
  products: { id: number; available: number; rules: DropRules }[];
  /** productId → buyerId → units held. */
  buyerTotals: Map<number, Map<string, number>>;
  /** Redis key name → the key's hash fields (see `RedisKeys.idempotency`). */
  keys: Map<string, { f: string; o: string; r: string; t: string }>;
}

/**
 * The Redis keys a snapshot implies: available = stock − every sold order (stored or waiting);
 * buyer totals = PostgreSQL's + the waiting orders'; keys = PostgreSQL's + the waiting orders'
 * (the newer wins when one key was reused after expiring).
 */
export function deriveRedisState(
  snapshot: DurableSnapshot,
  pending: readonly QueuedOrder[],
): DerivedRedisState {
  const sold = soldByProduct(snapshot, pending);
  const products = snapshot.products.map(({ id, stock, startsAtMs, endsAtMs, paused, perBuyerLimit }) => ({
    id,
    available: Math.max(0, stock - (sold.get(id) ?? 0)),
    rules: { startsAtMs, endsAtMs, paused, perBuyerLimit },
  }));

  const buyerTotals = new Map<number, Map<string, number>>();
  const addUnits = (productId: number, buyerId: string, quantity: number) => {
    let totals = buyerTotals.get(productId);
    if (!totals) buyerTotals.set(productId, (totals = new Map()));
    totals.set(buyerId, (totals.get(buyerId) ?? 0) + quantity);
  };
  for (const row of snapshot.buyerTotals) addUnits(row.productId, row.buyerId, row.quantity);

  const keys: DerivedRedisState['keys'] = new Map();
  const addKey = (key: DurableKey) => {
    const name = RedisKeys.idempotency(key.scope, key.key);
    const known = keys.get(name);
    if (known && Number(known.t) >= key.createdAtMs) return;
    keys.set(name, {
      f: key.fingerprint,
      o: key.orderId,
      r: String(key.remaining),
      t: String(key.createdAtMs),
    });
  };
  snapshot.keys.forEach(addKey);

  for (const { order, idempotencyKey, remaining } of unstoredOrders(snapshot, pending)) {
    if (order.buyerId !== null) addUnits(order.productId, order.buyerId, order.quantity);
    if (idempotencyKey !== null) {
      addKey({
        scope: idempotencyScope(order.buyerId),
        key: idempotencyKey,
        fingerprint: idempotencyFingerprint(order.productId, order.quantity),
        orderId: order.orderId,
        remaining,
        createdAtMs: Date.parse(order.createdAt),
      });
    }
  }
  return { products, buyerTotals, keys };
}
