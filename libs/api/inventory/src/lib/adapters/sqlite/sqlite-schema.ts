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
