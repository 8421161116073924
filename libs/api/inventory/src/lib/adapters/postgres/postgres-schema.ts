import type { PoolClient } from 'pg';
import { PURCHASE_BATCH_FUNCTION, PURCHASE_FUNCTION } from './postgres-purchase-functions';

/**
 * Schema versions, applied in order and recorded in `schema_migrations`. Append only: a shipped
 * migration is never edited.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE products (
     id          bigint  PRIMARY KEY CHECK (id > 0),
     name        text    NOT NULL,
     description text    NOT NULL DEFAULT '',
     price       bigint  NOT NULL CHECK (price >= 0),
     currency    text    NOT NULL,
     stock       integer NOT NULL CHECK (stock >= 0),
     available   integer NOT NULL CHECK (available >= 0 AND available <= stock)
   );
   CREATE TABLE orders (
     id          uuid        PRIMARY KEY,
     product_id  bigint      NOT NULL REFERENCES products (id),
     quantity    integer     NOT NULL CHECK (quantity > 0),
     created_at  timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX orders_by_product ON orders (product_id);`,
  // The database's identity: a cache built from one database (Redis counters) can tell that it
  // belongs to another one (restored, recreated) and must be rebuilt.
  `CREATE TABLE store_meta (key text PRIMARY KEY, value text NOT NULL);
   INSERT INTO store_meta (key, value) VALUES ('epoch', gen_random_uuid()::text);`,
  // Drops (schedule, pause, per-buyer limit), buyers, idempotency keys, rejection counts, audit log.
  `ALTER TABLE products ADD COLUMN starts_at timestamptz, ADD COLUMN ends_at timestamptz,
     ADD COLUMN paused boolean NOT NULL DEFAULT false,
     ADD COLUMN per_buyer_limit integer CHECK (per_buyer_limit > 0);
   ALTER TABLE orders ADD COLUMN buyer_id uuid;
   CREATE INDEX orders_by_product_time ON orders (product_id, created_at, id);
   CREATE TABLE buyers (id uuid PRIMARY KEY, email text NOT NULL UNIQUE, password_hash text NOT NULL,
     created_at timestamptz NOT NULL);
   CREATE TABLE buyer_totals (product_id bigint NOT NULL REFERENCES products (id), buyer_id uuid NOT NULL,
     quantity integer NOT NULL CHECK (quantity > 0), PRIMARY KEY (product_id, buyer_id));
   CREATE TABLE idempotency_keys (scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,
     order_id uuid NOT NULL, remaining integer NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (scope, key));
   CREATE TABLE rejections (product_id bigint NOT NULL, code text NOT NULL, count bigint NOT NULL,
     PRIMARY KEY (product_id, code));
   CREATE TABLE audit_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL,
     action text NOT NULL, product_id bigint, details jsonb NOT NULL);

   -- orders_by_product_time answers every lookup orders_by_product did: one index less per sale.
   DROP INDEX orders_by_product;
   -- Order pages resume after (created_at, id) as the API shows it, in milliseconds; stored at the
   -- same precision, a cursor compares exactly.
   ALTER TABLE orders ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
   UPDATE orders SET created_at = date_trunc('milliseconds', created_at)
    WHERE created_at <> date_trunc('milliseconds', created_at);
   CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

   ${PURCHASE_FUNCTION}`,
  // Purchases arriving together decided in one round trip and one transaction. `gtd_purchase`
  // stays: a process of the previous build may still be calling it during a rolling deploy.
  PURCHASE_BATCH_FUNCTION,
];

/** Any constant works; it only has to be the same for every process migrating this database. */
const MIGRATION_LOCK = 0x67746401;

/**
 * Brings the schema to the latest version. A transaction-scoped advisory lock makes processes that
 * start together take turns, so each migration runs exactly once.
 */
export async function migratePostgres(client: PoolClient): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `PostgreSQL schema version ${current} is newer than this build knows (${POSTGRES_MIGRATIONS.length}); upgrade the app`,
      );
    }
    for (let version = current; version < POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version]);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version + 1]);
    }
    await client.query('COMMIT');
    return POSTGRES_MIGRATIONS.length;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
