import type { PoolClient } from 'pg';
import { DropRules, OrderPrice, ProductFields, SalesSummary, SoldOrder } from '../../inventory-store';
import { idempotencyFingerprint } from '../../purchase-rules';
import { PostgresDatabase, timestamp } from './postgres-database';
import { orderColumns } from './postgres-rows';

/**
 * An order sold elsewhere (the Redis hot path) for `persistEvents`, with what its idempotency key
 * must remember: the key (`null`: none was sent) and the units left as the buyer was told.
 */
export interface PersistedOrder {
  order: SoldOrder;
  /**
   * The price the hot path sold at; `null` for an order sold by a build that did not record it
   * (PostgreSQL's trigger then takes the product's price as it stores the order).
   */
  price: OrderPrice | null;
  idempotencyKey: string | null;
  /** The key's scope as the purchase was decided in (`PurchaseCommand.idempotencyScope`). */
  scope: string;
  remaining: number;
}

/** A cancel decided elsewhere (the Redis hot path) for `persistEvents`: the order as sold, and when. */
export interface PersistedCancel {
  orderId: string;
  productId: number;
  quantity: number;
  buyerId: string | null;
  /** ISO 8601. */
  cancelledAt: string;
}

/** What the Redis keys are derived from: PostgreSQL read in ONE snapshot (see `snapshot`). */
export interface DurableProduct extends DropRules, Pick<ProductFields, 'price' | 'currency'> {
  id: number;
  name: string;
  stock: number;
  /** PostgreSQL's own `available` column (stock − stored orders), shown by reconcile. */
  storedAvailable: number;
  /** Units of the orders stored in PostgreSQL that stand (not cancelled there). */
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
  /** Of those, the ones PostgreSQL does not hold as cancelled (they count in `storedSold`). */
  standing: ReadonlySet<string>;
  /**
   * orderId → cancelledAt (ISO 8601) of every cancel PostgreSQL knows, stored on the order or
   * still waiting for its sale in `order_cancels`.
   */
  cancels: ReadonlyMap<string, string>;
  buyerTotals: { productId: number; buyerId: string; quantity: number }[];
  keys: DurableKey[];
}

const epochMs = (value: Date | null): number | null => (value === null ? null : value.getTime());

const EPOCH_SQL = "SELECT value FROM store_meta WHERE key = 'epoch'";

async function queryEpoch(read: () => Promise<{ rows: { value: string }[] }>): Promise<string> {
  const { rows } = await read();
  if (!rows[0]) throw new Error('PostgreSQL store has no epoch; was it migrated?');
  return rows[0].value;
}

/**
 * Deletes the idempotency keys expired at `nowMs`. The PostgreSQL purchase calls it at most once a
 * minute, the Redis persister too; a key it races with is either still valid (kept) or overwritten
 * by the purchase's upsert (locked row).
 */
export async function deleteExpiredKeys(
  database: PostgresDatabase,
  nowMs: number,
  idempotencyTtlMs: number,
): Promise<number> {
  const { rowCount } = await database.query(
    `DELETE FROM idempotency_keys WHERE created_at <= $1::timestamptz - $2::bigint * interval '1 millisecond'`,
    [timestamp(nowMs), idempotencyTtlMs],
  );
  return rowCount ?? 0;
}

/** Any constant: only the Redis persisters of one database take it (see `persistEvents`). */
const PERSIST_LOCK = 0x67746402;

/**
 * Records the cancels by order id, then applies those whose order is stored and stands: marks
 * it, its units back, the buyer's total down (a total that reaches 0 is deleted: the table holds
 * only buyers who hold units). A cancel applied, or already applied, is no longer kept.
 */
async function applyCancels(client: PoolClient, cancels: readonly PersistedCancel[]): Promise<number> {
  const ids = cancels.map((c) => c.orderId);
  await client.query(
    `INSERT INTO order_cancels (order_id, cancelled_at)
     SELECT DISTINCT ON (id) id, at FROM unnest($1::uuid[], $2::timestamptz[]) AS t(id, at) ORDER BY id, at
     ON CONFLICT (order_id) DO NOTHING`,
    [ids, cancels.map((c) => c.cancelledAt)],
  );
  const { rows } = await client.query<{ cancelled: number }>(
    `WITH applied AS (
       UPDATE orders o SET cancelled_at = c.cancelled_at
         FROM order_cancels c
        WHERE c.order_id = o.id AND o.id = ANY($1::uuid[]) AND o.cancelled_at IS NULL
       RETURNING o.product_id, o.quantity, o.buyer_id
     ), stock AS (
       UPDATE products p SET available = p.available + s.quantity
         FROM (SELECT product_id, sum(quantity)::integer AS quantity FROM applied GROUP BY product_id) s
        WHERE p.id = s.product_id
     ), held AS (
       SELECT product_id, buyer_id, sum(quantity)::integer AS quantity FROM applied
        WHERE buyer_id IS NOT NULL GROUP BY product_id, buyer_id
     ), lowered AS (
       UPDATE buyer_totals t SET quantity = t.quantity - h.quantity FROM held h
        WHERE t.product_id = h.product_id AND t.buyer_id = h.buyer_id AND t.quantity > h.quantity
     ), emptied AS (
       DELETE FROM buyer_totals t USING held h
        WHERE t.product_id = h.product_id AND t.buyer_id = h.buyer_id AND t.quantity <= h.quantity
     ), settled AS (
       DELETE FROM order_cancels c
        WHERE c.order_id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM orders o WHERE o.id = c.order_id)
     )
     SELECT count(*)::integer AS cancelled FROM applied`,
    [ids],
  );
  return rows[0]?.cancelled ?? 0;
}

/**
 * Inserts the orders not stored yet; only for those is stock decremented, the buyer's total raised
 * and the idempotency key stored. An order whose cancel came first is stored cancelled and takes
 * no stock and no total (its key is still stored: a retry replays the sale, as history).
 */
async function insertOrders(client: PoolClient, events: readonly PersistedOrder[]): Promise<number> {
  const orders = events.map((e) => e.order);
  const { rows } = await client.query<{ inserted: number }>(
    `WITH incoming AS (
       SELECT DISTINCT ON (t.id) t.*, c.cancelled_at
         FROM unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[], $5::timestamptz[], $6::text[],
                     $7::text[], $8::text[], $9::integer[], $10::bigint[], $11::text[])
           AS t(id, product_id, quantity, buyer_id, created_at, scope, key, fingerprint, remaining,
                unit_price, currency)
         LEFT JOIN order_cancels c ON c.order_id = t.id
     ), inserted AS (
       INSERT INTO orders (id, product_id, quantity, buyer_id, created_at, unit_price, currency, cancelled_at)
       SELECT id, product_id, quantity, buyer_id, created_at, unit_price, currency, cancelled_at FROM incoming
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ), fresh AS (
       SELECT incoming.* FROM incoming JOIN inserted USING (id)
     ), standing AS (
       SELECT * FROM fresh WHERE cancelled_at IS NULL
     ), stock AS (
       UPDATE products p SET available = p.available - s.quantity
         FROM (SELECT product_id, sum(quantity)::integer AS quantity FROM standing GROUP BY product_id) s
        WHERE p.id = s.product_id
     ), totals AS (
       INSERT INTO buyer_totals AS t (product_id, buyer_id, quantity)
       SELECT product_id, buyer_id, sum(quantity) FROM standing WHERE buyer_id IS NOT NULL
        GROUP BY product_id, buyer_id
       ON CONFLICT (product_id, buyer_id) DO UPDATE SET quantity = t.quantity + excluded.quantity
     ), settled AS (
       DELETE FROM order_cancels c USING fresh f WHERE c.order_id = f.id AND f.cancelled_at IS NOT NULL
     ), keys AS (
       -- The hot path already decided this key was new (or expired): the latest use wins.
       INSERT INTO idempotency_keys AS k (scope, key, fingerprint, order_id, remaining, created_at)
       SELECT DISTINCT ON (scope, key) scope, key, fingerprint, id, remaining, created_at
         FROM fresh WHERE key IS NOT NULL ORDER BY scope, key, created_at DESC
       ON CONFLICT (scope, key) DO UPDATE
         SET fingerprint = excluded.fingerprint, order_id = excluded.order_id,
             remaining = excluded.remaining, created_at = excluded.created_at
     )
     SELECT count(*)::integer AS inserted FROM inserted`,
    [
      ...orderColumns(orders),
      orders.map((o) => o.createdAt),
      events.map((e) => e.scope),
      events.map((e) => e.idempotencyKey),
      orders.map((o) => idempotencyFingerprint(o.productId, o.quantity)),
      events.map((e) => e.remaining),
      events.map((e) => e.price?.unitPrice ?? null),
      events.map((e) => e.price?.currency ?? null),
    ],
  );
  return rows[0]?.inserted ?? 0;
}

/**
 * PostgreSQL's role behind the Redis hot path, and nothing more: storing the orders Redis sold and
 * the cancels it decided, the database's identity, expiring keys, the consistent snapshot a Redis
 * rebuild and `reconcile` derive the counters from, and the summary over stored and waiting events.
 */
export class PostgresOrderLedger {
  constructor(
    private readonly database: PostgresDatabase,
    private readonly idempotencyTtlMs: number,
  ) {}

  /** `persistEvents` with sales only (kept for callers that have no cancels). */
  async persistOrders(events: readonly PersistedOrder[]): Promise<number> {
    return (await this.persistEvents(events, [])).inserted;
  }

  /**
   * Stores what the Redis hot path decided, idempotently, in one transaction: an order id already
   * stored is skipped and a cancel already applied is skipped, so a crash or a retry never counts
   * anything twice. Returns how many orders were new and how many stored orders this cancelled.
   *
   * Cancels first, then sales. A cancel whose sale is stored gives its units back (available up,
   * the buyer's total down); one whose sale is not stored yet (in this batch, or still with another
   * worker) waits in `order_cancels`, and the sale, when it comes, is stored already cancelled and
   * takes nothing. Either order of arrival ends in the same rows. Cancels first also because Redis
   * may have resold a unit a cancel gave back: applying the sale before that cancel would take
   * PostgreSQL's available below zero (a batch that still does, because the cancel is with
   * another worker, fails and is retried after that worker stored it).
   *
   * The advisory lock makes "is the sale stored?" and "is a cancel waiting?" never miss each
   * other across workers: batches of sales only share it, a batch with cancels takes it alone, so
   * each statement sees whatever the other kind of batch committed.
   */
  persistEvents(
    orders: readonly PersistedOrder[],
    cancels: readonly PersistedCancel[],
  ): Promise<{ inserted: number; cancelled: number }> {
    if (orders.length === 0 && cancels.length === 0) return Promise.resolve({ inserted: 0, cancelled: 0 });
    return this.database.transaction(async (client) => {
      await client.query(
        cancels.length > 0 ? 'SELECT pg_advisory_xact_lock($1)' : 'SELECT pg_advisory_xact_lock_shared($1)',
        [PERSIST_LOCK],
      );
      const cancelled = cancels.length > 0 ? await applyCancels(client, cancels) : 0;
      const inserted = orders.length > 0 ? await insertOrders(client, orders) : 0;
      return { inserted, cancelled };
    });
  }

  /**
   * The Redis store's summary: PostgreSQL's orders with the ones still waiting in Redis counted in,
   * and only those that stand, in one statement. `waiting` and `waitingCancels` (order ids) are
   * read from Redis first, in one step; a cancel stored in between is then seen in PostgreSQL (as
   * a waiting sale stored in between is), one made after it is counted on neither side. Cancels
   * filter rather than subtract, so one seen on both sides still removes its order once.
   * Available is stock − sold, so the answer keeps stock = available + sold.
   */
  async salesSummary(
    productId: number,
    waiting: readonly SoldOrder[],
    waitingCancels: readonly string[],
  ): Promise<SalesSummary | undefined> {
    const { rows } = await this.database.query<Omit<SalesSummary, 'productId'>>(
      `WITH unstored AS (
         SELECT t.quantity, t.buyer_id
           FROM unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[]) AS t(id, product_id, quantity, buyer_id)
          WHERE t.product_id = $6 AND t.id <> ALL($5::uuid[])
            AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.id)
            AND NOT EXISTS (SELECT 1 FROM order_cancels c WHERE c.order_id = t.id)
       ), standing AS (
         SELECT o.quantity, o.buyer_id FROM orders o
          WHERE o.product_id = $6 AND o.cancelled_at IS NULL AND o.id <> ALL($5::uuid[])
         UNION ALL SELECT quantity, buyer_id FROM unstored
       ), sales AS (
         SELECT count(*)::integer AS orders, coalesce(sum(quantity), 0)::integer AS sold,
                count(DISTINCT buyer_id)::integer AS buyers
           FROM standing
       )
       SELECT p.stock, p.stock - s.sold AS available, s.sold, s.orders, s.buyers,
              (SELECT coalesce(jsonb_object_agg(r.code, r.count), '{}'::jsonb)
                 FROM rejections r WHERE r.product_id = p.id) AS rejects
         FROM products p CROSS JOIN sales s WHERE p.id = $6`,
      [...orderColumns(waiting), waitingCancels, productId],
    );
    const row = rows[0];
    return row && { productId, ...row };
  }

  deleteExpiredKeys(nowMs: number): Promise<number> {
    return deleteExpiredKeys(this.database, nowMs, this.idempotencyTtlMs);
  }

  /** A value unique to this database, fixed when its schema was created. */
  epoch(): Promise<string> {
    return queryEpoch(() => this.database.query<{ value: string }>(EPOCH_SQL));
  }

  /**
   * Reads everything in one REPEATABLE READ snapshot, so an order stored while this runs is seen
   * consistently: in `orders` (and `stored`) or not at all. `keysCreatedAfterMs: null` skips buyer
   * totals and keys (reconcile needs only the counts). `pendingOrderIds`: the orders of
   * the sales and of the cancels still waiting in Redis.
   */
  snapshot(pendingOrderIds: readonly string[], keysCreatedAfterMs: number | null): Promise<DurableSnapshot> {
    return this.database.transaction(async (client) => {
      const epoch = await queryEpoch(() => client.query<{ value: string }>(EPOCH_SQL));
      const products = await client.query<{
        id: number;
        name: string;
        price: number;
        currency: string;
        stock: number;
        available: number;
        starts_at: Date | null;
        ends_at: Date | null;
        paused: boolean;
        per_buyer_limit: number | null;
        sold: number;
      }>(
        `SELECT p.id, p.name, p.price, p.currency, p.stock, p.available, p.starts_at, p.ends_at, p.paused, p.per_buyer_limit,
                coalesce(s.sold, 0)::integer AS sold
           FROM products p
           LEFT JOIN (SELECT product_id, sum(quantity) AS sold FROM orders WHERE cancelled_at IS NULL
                       GROUP BY product_id) s
             ON s.product_id = p.id
          ORDER BY p.id`,
      );
      const stored = await client.query<{ id: string; standing: boolean }>(
        'SELECT id, cancelled_at IS NULL AS standing FROM orders WHERE id = ANY($1::uuid[])',
        [pendingOrderIds],
      );
      const withBuyerState = keysCreatedAfterMs !== null;
      const { rows: cancels } = await client.query<{ id: string; cancelled_at: Date }>(
        `SELECT id, cancelled_at FROM orders WHERE cancelled_at IS NOT NULL
         UNION ALL SELECT order_id, cancelled_at FROM order_cancels`,
      );
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
      return {
        epoch,
        products: products.rows.map((row) => ({
          id: row.id,
          name: row.name,
          price: row.price,
          currency: row.currency,
          stock: row.stock,
          storedAvailable: row.available,
          storedSold: row.sold,
          startsAtMs: epochMs(row.starts_at),
          endsAtMs: epochMs(row.ends_at),
          paused: row.paused,
          perBuyerLimit: row.per_buyer_limit,
        })),
        stored: new Set(stored.rows.map((row) => row.id)),
        standing: new Set(stored.rows.filter((row) => row.standing).map((row) => row.id)),
        cancels: new Map(cancels.map((row) => [row.id, row.cancelled_at.toISOString()])),
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
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
}
