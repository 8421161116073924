import type { PoolClient } from 'pg';

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
