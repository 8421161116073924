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
  // The waiting room (queue-store.ts): each drop's settings; one state row per queue (counters,
  // the drawn order as one bytea of 4 little-endian bytes a pre-queue ticket, the cursor);
  // signed-in buyers' tickets (any buyer id the service names, hence text); admission steps; pass
  // claims; the admission lease; spent proof-of-work challenges; secrets every process signs with.
  // No foreign key to products: the operator may set a queue up before the product exists.
  `CREATE TABLE queue_settings (
     product_id            bigint           PRIMARY KEY,
     enabled               boolean          NOT NULL,
     pre_queue_opens_at    timestamptz,
     queue_order           text             NOT NULL CHECK (queue_order IN ('random', 'fifo')),
     admissions_per_minute double precision CHECK (admissions_per_minute > 0),
     stock_multiple        double precision NOT NULL CHECK (stock_multiple > 0),
     pass_lifetime_ms      bigint           NOT NULL CHECK (pass_lifetime_ms > 0),
     require_sign_in       boolean          NOT NULL,
     proof_of_work         bigint           CHECK (proof_of_work > 0),
     admissions_paused     boolean          NOT NULL
   );
   CREATE TABLE queue_state (
     product_id       bigint      PRIMARY KEY,
     pre_queue_joined integer     NOT NULL DEFAULT 0 CHECK (pre_queue_joined >= 0),
     open_joined      integer     NOT NULL DEFAULT 0 CHECK (open_joined >= 0),
     -- Once drawn, pre-queue joins get open tickets: the drawn count is the pre-queue for good.
     drawn_count      integer     CHECK (drawn_count = pre_queue_joined),
     drawn_order      bytea       CHECK (drawn_order IS NULL
                                         OR (drawn_count IS NOT NULL AND octet_length(drawn_order) = 4 * drawn_count)),
     admitted         integer     NOT NULL DEFAULT 0 CHECK (admitted >= 0),
     last_admitted_at timestamptz
   );
   CREATE TABLE queue_buyers (product_id bigint NOT NULL, buyer_id text NOT NULL,
     kind text NOT NULL CHECK (kind IN ('pre', 'open')), n integer NOT NULL CHECK (n > 0),
     PRIMARY KEY (product_id, buyer_id));
   CREATE TABLE queue_admissions (product_id bigint NOT NULL, through integer NOT NULL CHECK (through > 0),
     at timestamptz NOT NULL, PRIMARY KEY (product_id, through));
   CREATE INDEX queue_admissions_by_time ON queue_admissions (product_id, at, through);
   CREATE TABLE queue_pass_claims (product_id bigint NOT NULL, position integer NOT NULL CHECK (position > 0),
     claim_key text NOT NULL, PRIMARY KEY (product_id, position));
   CREATE TABLE queue_leases (product_id bigint PRIMARY KEY, holder text NOT NULL,
     held_until timestamptz NOT NULL);
   CREATE TABLE queue_challenges (id text PRIMARY KEY, expires_at timestamptz NOT NULL);
   CREATE INDEX queue_challenges_by_expiry ON queue_challenges (expires_at);
   CREATE TABLE shared_secrets (name text PRIMARY KEY, value text NOT NULL);`,
  // The door (ticket-store.ts): one row per admitted ticket, by order id (the first scan's).
  // No foreign key to orders: with STORE=redis an order reaches PostgreSQL after its sale, and a
  // ticket may be scanned before the persister has moved it.
  `CREATE TABLE check_ins (
     order_id uuid        PRIMARY KEY,
     scanner  text        NOT NULL,
     at       timestamptz NOT NULL
   );`,
  // What a unit cost when it sold. The shipped purchase functions (and the Redis persister of the
  // previous build) insert orders without it, and are never edited: a BEFORE INSERT trigger fills
  // it from the product row. Inside a purchase that row is already locked by the sale's own
  // UPDATE (or FOR NO KEY UPDATE), and updateProduct's UPDATE needs the same lock, so the trigger
  // reads exactly the price the sale was decided on. The persister gives the price Redis sold at,
  // which the trigger keeps. Orders from before this version take the product's price of the
  // moment of migrating (the closest record there is). A buyer's orders are read by buyer and time.
  `ALTER TABLE orders ADD COLUMN unit_price bigint CHECK (unit_price >= 0), ADD COLUMN currency text;
   UPDATE orders o SET unit_price = p.price, currency = p.currency FROM products p WHERE p.id = o.product_id;
   CREATE FUNCTION gtd_order_price() RETURNS trigger LANGUAGE plpgsql AS $fn$
   BEGIN
     IF NEW.unit_price IS NULL AND NEW.currency IS NULL THEN
       SELECT p.price, p.currency INTO NEW.unit_price, NEW.currency FROM products p WHERE p.id = NEW.product_id;
     END IF;
     RETURN NEW;
   END
   $fn$;
   CREATE TRIGGER orders_priced BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION gtd_order_price();
   ALTER TABLE orders ALTER COLUMN unit_price SET NOT NULL, ALTER COLUMN currency SET NOT NULL;
   CREATE INDEX orders_by_buyer_time ON orders (buyer_id, created_at, id) WHERE buyer_id IS NOT NULL;`,
  // The operator's cancel (InventoryStore.cancelOrder): the order stays as the record of the sale,
  // marked once. With STORE=redis a cancel may reach PostgreSQL before its sale (the persister
  // moves events in batches), so cancels are also kept by order id until the sale arrives.
  `ALTER TABLE orders ADD COLUMN cancelled_at timestamptz;
   CREATE TABLE order_cancels (
     order_id     uuid        PRIMARY KEY,
     cancelled_at timestamptz NOT NULL
   );`,
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
