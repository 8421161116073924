import { DropRules, OrderPrice, ProductFields, SoldOrder } from '../../inventory-store';
import { idempotencyFingerprint } from '../../purchase-rules';
import { PostgresDatabase, timestamp } from './postgres-database';
import { orderColumns } from './postgres-rows';

/**
 * An order sold elsewhere (the Redis hot path) for `persistOrders`, with what its idempotency key
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

/** What the Redis keys are derived from: PostgreSQL read in ONE snapshot (see `snapshot`). */
export interface DurableProduct extends DropRules, Pick<ProductFields, 'price' | 'currency'> {
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

/**
 * PostgreSQL's role behind the Redis hot path, and nothing more: storing the orders Redis sold,
 * the database's identity, expiring keys, and the consistent snapshot a Redis rebuild and
 * `reconcile` derive the counters from.
 */
export class PostgresOrderLedger {
  constructor(
    private readonly database: PostgresDatabase,
    private readonly idempotencyTtlMs: number,
  ) {}

  /**
   * Stores orders sold elsewhere (the Redis hot path), idempotently, in one statement (so one
   * transaction): an order id already stored is skipped, and only for the orders this call
   * inserted is stock decremented, the buyer's total raised and the idempotency key stored — a
   * crash or a retry can never count an order twice. Returns how many were new.
   */
  async persistOrders(events: readonly PersistedOrder[]): Promise<number> {
    if (events.length === 0) return 0;
    const orders = events.map((e) => e.order);
    const { rows } = await this.database.query<{ inserted: number }>(
      `WITH incoming AS (
         SELECT DISTINCT ON (id) *
           FROM unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[], $5::timestamptz[], $6::text[],
                       $7::text[], $8::text[], $9::integer[], $10::bigint[], $11::text[])
             AS t(id, product_id, quantity, buyer_id, created_at, scope, key, fingerprint, remaining,
                  unit_price, currency)
       ), inserted AS (
         INSERT INTO orders (id, product_id, quantity, buyer_id, created_at, unit_price, currency)
         SELECT id, product_id, quantity, buyer_id, created_at, unit_price, currency FROM incoming
         ON CONFLICT (id) DO NOTHING
         RETURNING id
       ), fresh AS (
         SELECT incoming.* FROM incoming JOIN inserted USING (id)
       ), stock AS (
         UPDATE products p SET available = p.available - s.quantity
           FROM (SELECT product_id, sum(quantity)::integer AS quantity FROM fresh GROUP BY product_id) s
          WHERE p.id = s.product_id
       ), totals AS (
         INSERT INTO buyer_totals AS t (product_id, buyer_id, quantity)
         SELECT product_id, buyer_id, sum(quantity) FROM fresh WHERE buyer_id IS NOT NULL
          GROUP BY product_id, buyer_id
         ON CONFLICT (product_id, buyer_id) DO UPDATE SET quantity = t.quantity + excluded.quantity
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
   * totals and keys (reconcile needs only the counts).
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
