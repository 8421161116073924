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
