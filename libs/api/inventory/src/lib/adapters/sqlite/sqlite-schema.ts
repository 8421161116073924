import type { Database } from 'better-sqlite3';

/**
 * Schema versions, applied in order and recorded in `PRAGMA user_version`. Append only: a shipped
 * migration is never edited, so every database reaches the same schema by the same steps.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE products (
     id          INTEGER PRIMARY KEY,
     name        TEXT    NOT NULL,
     description TEXT    NOT NULL DEFAULT '',
     price       INTEGER NOT NULL CHECK (price >= 0),
     currency    TEXT    NOT NULL,
     stock       INTEGER NOT NULL CHECK (stock >= 0),
     available   INTEGER NOT NULL CHECK (available >= 0 AND available <= stock)
   ) STRICT;
   CREATE TABLE orders (
     id          TEXT    PRIMARY KEY,
     product_id  INTEGER NOT NULL REFERENCES products (id),
     quantity    INTEGER NOT NULL CHECK (quantity > 0),
     created_at  TEXT    NOT NULL
   ) STRICT;
   CREATE INDEX orders_by_product ON orders (product_id);`,
  // Schedules, pause and per-buyer limits (times in epoch ms), buyers and what each holds,
  // idempotency keys, rejection counts and the operator audit log.
  `ALTER TABLE products ADD COLUMN starts_at INTEGER;
   ALTER TABLE products ADD COLUMN ends_at INTEGER;
   ALTER TABLE products ADD COLUMN paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1));
   ALTER TABLE products ADD COLUMN per_buyer_limit INTEGER CHECK (per_buyer_limit > 0);
   ALTER TABLE orders ADD COLUMN buyer_id TEXT;
   DROP INDEX orders_by_product;
   CREATE INDEX orders_by_product_time ON orders (product_id, created_at, id);
   CREATE TABLE buyers (
     id            TEXT PRIMARY KEY,
     email         TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     created_at    TEXT NOT NULL
   ) STRICT;
   CREATE TABLE buyer_totals (
     product_id INTEGER NOT NULL REFERENCES products (id),
     buyer_id   TEXT    NOT NULL,
     quantity   INTEGER NOT NULL CHECK (quantity > 0),
     PRIMARY KEY (product_id, buyer_id)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE idempotency_keys (
     scope         TEXT    NOT NULL,
     key           TEXT    NOT NULL,
     fingerprint   TEXT    NOT NULL,
     order_id      TEXT    NOT NULL REFERENCES orders (id),
     remaining     INTEGER NOT NULL,
     created_at_ms INTEGER NOT NULL,
     PRIMARY KEY (scope, key)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at_ms);
   CREATE TABLE rejections (
     product_id INTEGER NOT NULL,
     code       TEXT    NOT NULL,
     count      INTEGER NOT NULL,
     PRIMARY KEY (product_id, code)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE audit_log (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     at         TEXT    NOT NULL,
     actor      TEXT    NOT NULL,
     action     TEXT    NOT NULL,
     product_id INTEGER,
     details    TEXT    NOT NULL
   ) STRICT;`,
  // The waiting room (queue-store.ts): each drop's settings; one state row per queue (counters,
  // the drawn order as one blob of 4 little-endian bytes a pre-queue ticket, the cursor); signed-in
  // buyers' tickets; admission steps; pass claims; the admission lease; spent proof-of-work
  // challenges; secrets every process signs with. No foreign key to products: a queue is set up
  // by the operator before or after the product, and a ticket is a signed token, not a row.
  `CREATE TABLE queue_settings (
     product_id            INTEGER PRIMARY KEY,
     enabled               INTEGER NOT NULL CHECK (enabled IN (0, 1)),
     pre_queue_opens_at_ms INTEGER,
     queue_order           TEXT    NOT NULL CHECK (queue_order IN ('random', 'fifo')),
     admissions_per_minute REAL    CHECK (admissions_per_minute > 0),
     stock_multiple        REAL    NOT NULL CHECK (stock_multiple > 0),
     pass_lifetime_ms      INTEGER NOT NULL CHECK (pass_lifetime_ms > 0),
     require_sign_in       INTEGER NOT NULL CHECK (require_sign_in IN (0, 1)),
     proof_of_work         INTEGER CHECK (proof_of_work > 0),
     admissions_paused     INTEGER NOT NULL CHECK (admissions_paused IN (0, 1))
   ) STRICT;
   CREATE TABLE queue_state (
     product_id          INTEGER PRIMARY KEY,
     pre_queue_joined    INTEGER NOT NULL DEFAULT 0 CHECK (pre_queue_joined >= 0),
     open_joined         INTEGER NOT NULL DEFAULT 0 CHECK (open_joined >= 0),
     -- Once drawn, pre-queue joins get open tickets: the drawn count is the pre-queue for good.
     drawn_count         INTEGER CHECK (drawn_count = pre_queue_joined),
     drawn_order         BLOB    CHECK (drawn_order IS NULL OR length(drawn_order) = 4 * drawn_count),
     admitted            INTEGER NOT NULL DEFAULT 0 CHECK (admitted >= 0),
     last_admitted_at_ms INTEGER,
     CHECK (drawn_order IS NULL OR drawn_count IS NOT NULL)
   ) STRICT;
   CREATE TABLE queue_buyers (
     product_id INTEGER NOT NULL,
     buyer_id   TEXT    NOT NULL,
     kind       TEXT    NOT NULL CHECK (kind IN ('pre', 'open')),
     n          INTEGER NOT NULL CHECK (n > 0),
     PRIMARY KEY (product_id, buyer_id)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE queue_admissions (
     product_id INTEGER NOT NULL,
     through    INTEGER NOT NULL CHECK (through > 0),
     at_ms      INTEGER NOT NULL,
     PRIMARY KEY (product_id, through)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX queue_admissions_by_time ON queue_admissions (product_id, at_ms, through);
   CREATE TABLE queue_pass_claims (
     product_id INTEGER NOT NULL,
     position   INTEGER NOT NULL CHECK (position > 0),
     claim_key  TEXT    NOT NULL,
     PRIMARY KEY (product_id, position)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE queue_leases (
     product_id INTEGER PRIMARY KEY,
     holder     TEXT    NOT NULL,
     until_ms   INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE queue_challenges (
     id            TEXT    PRIMARY KEY,
     expires_at_ms INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX queue_challenges_by_expiry ON queue_challenges (expires_at_ms);
   CREATE TABLE shared_secrets (
     name  TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) STRICT, WITHOUT ROWID;`,
  // The door (ticket-store.ts): one row per admitted ticket, by order id (the first scan's).
  `CREATE TABLE check_ins (
     order_id TEXT    PRIMARY KEY,
     scanner  TEXT    NOT NULL,
     at_ms    INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;`,
  // What a unit cost when it sold, written by the purchase from the row it decremented. Orders
  // from before this version take the product's price of the moment of migrating (the closest
  // record there is). SQLite adds no NOT NULL column without a default, so a trigger fills an
  // order inserted without a price (a process of the previous build still running on the file)
  // from its product, inside the same transaction. A buyer's orders are read by buyer and time.
  `ALTER TABLE orders ADD COLUMN unit_price INTEGER CHECK (unit_price >= 0);
   ALTER TABLE orders ADD COLUMN currency TEXT;
   UPDATE orders SET unit_price = (SELECT p.price FROM products p WHERE p.id = orders.product_id),
                     currency = (SELECT p.currency FROM products p WHERE p.id = orders.product_id);
   CREATE TRIGGER orders_priced AFTER INSERT ON orders
     WHEN NEW.unit_price IS NULL OR NEW.currency IS NULL
   BEGIN
     UPDATE orders SET unit_price = (SELECT p.price FROM products p WHERE p.id = NEW.product_id),
                       currency = (SELECT p.currency FROM products p WHERE p.id = NEW.product_id)
      WHERE id = NEW.id;
   END;
   CREATE INDEX orders_by_buyer_time ON orders (buyer_id, created_at, id) WHERE buyer_id IS NOT NULL;`,
  // The operator's cancel (InventoryStore.cancelOrder): the order stays as the record of the sale,
  // marked once; sales figures and buyer totals count only the orders that stand.
  `ALTER TABLE orders ADD COLUMN cancelled_at TEXT;`,
];

/** Brings the schema to the latest version inside one write transaction (racing processes queue). */
export function migrate(db: Database): number {
  return db
    .transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current > SQLITE_MIGRATIONS.length) {
        throw new Error(
          `SQLite schema version ${current} is newer than this build knows (${SQLITE_MIGRATIONS.length}); upgrade the app`,
        );
      }
      for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
        db.exec(SQLITE_MIGRATIONS[version]);
      }
      db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
      return SQLITE_MIGRATIONS.length;
    })
    .immediate();
}
