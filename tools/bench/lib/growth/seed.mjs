// Stored history for the growth rows, written straight into the database of a stopped server:
// a million orders through the API would take minutes, here they take seconds. Rows match the
// schema the server created (libs/api/inventory …/sqlite/sqlite-schema.ts, …/postgres/postgres-schema.ts),
// and the stock stays consistent: the seeded orders are sales of the rush product, so its
// `available` goes down by as many units (stock − available = units in orders, as after a real rush).
import { createRequire } from 'node:module';
// Registers the ts-node hook the require of purchase-rules.ts below needs.
import '../testing.mjs';

const require = createRequire(import.meta.url);

// The key rules the server applies, from their one TypeScript source (loaded through the ts-node
// hook), so a seeded key has the scope and fingerprint a request would get.
/** @type {typeof import('../../../../libs/api/inventory/src/lib/purchase-rules.js')} */
const rules = require('../../../../libs/api/inventory/src/lib/purchase-rules.ts');

/** How far back the seeded history reaches: well inside the 24 h key TTL, so no sweep removes it. */
const HISTORY_MS = 20 * 3600 * 1000;

/**
 * What a seeding step wrote.
 * @typedef {object} Seeded
 * @property {number} rows
 * @property {number} ms
 */

/**
 * The scope an anonymous request from the load generator's address gets (the server sees 127.0.0.1).
 */
export const loadScope = () => rules.idempotencyScope(null, '127.0.0.1');

/** @param {number} productId @param {number} quantity */
export const fingerprint = (productId, quantity) => rules.idempotencyFingerprint(productId, quantity);

// A random RFC 4122 version-4 UUID in SQL: the server's ids are randomUUID(), and random keys land
// all over the primary-key B-tree as real ones do (sequential ids would flatter the index).
const SQLITE_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
  substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
  substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/**
 * Adds `count` one-unit orders of `productId` to a SQLite file, created over the last 20 hours,
 * and takes their units off the product's `available`. One transaction; the server must be stopped.
 * @param {string} path @param {{ productId: number, count: number }} spec
 * @returns {Seeded}
 */
export function seedSqliteOrders(path, { productId, count }) {
  return onSqlite(path, (db) => {
    const fromMs = Date.now() - HISTORY_MS;
    db.transaction(() => {
      const taken = db
        .prepare('UPDATE products SET available = available - ? WHERE id = ? AND available >= ?')
        .run(count, productId, count);
      if (taken.changes !== 1) throw new Error(`product ${productId} has fewer than ${count} units left`);
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @count)
         INSERT INTO orders (id, product_id, quantity, buyer_id, created_at)
         SELECT ${SQLITE_UUID}, @productId, 1, NULL,
                strftime('%Y-%m-%dT%H:%M:%fZ', (@fromMs + i * @stepMs) / 1000.0, 'unixepoch')
         FROM n`,
      ).run({ count, productId, fromMs, stepMs: HISTORY_MS / 2 / count });
    })();
    return count;
  });
}

/**
 * Gives `count` of the seeded orders (those older than `beforeMs`) an idempotency key each, in
 * the load generator's scope, as if each had been bought with one. The server must be stopped.
 * @param {string} path @param {{ productId: number, count: number, beforeMs: number }} spec
 * @returns {Seeded}
 */
export function seedSqliteKeys(path, { productId, count, beforeMs }) {
  return onSqlite(path, (db) => {
    const before = new Date(beforeMs).toISOString();
    const result = db.transaction(() =>
      db
        .prepare(
          `INSERT INTO idempotency_keys (scope, key, fingerprint, order_id, remaining, created_at_ms)
           SELECT @scope, ${SQLITE_UUID}, @fingerprint, id, 0,
                  CAST(round((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER)
           FROM orders WHERE product_id = @productId AND created_at < @before
           ORDER BY created_at LIMIT @count`,
        )
        .run({ scope: loadScope(), fingerprint: fingerprint(productId, 1), productId, before, count }),
    )();
    if (result.changes !== count)
      throw new Error(`only ${result.changes} seeded orders to key, wanted ${count}`);
    return count;
  });
}

/**
 * @param {string} path @param {(db: any) => number} write
 * @returns {Seeded}
 */
function onSqlite(path, write) {
  const started = Date.now();
  /** @type {any} */
  const Database = require('better-sqlite3');
  const db = new Database(path);
  try {
    // A bulk load of ~200 MB: a big page cache for the random primary-key inserts (this connection
    // only; the server keeps its own settings); the WAL is folded back into the file before the
    // server opens it, so the rows do not pay for it.
    db.pragma('cache_size = -262144');
    db.pragma('busy_timeout = 5000');
    // The seeded rows reference rows of the same seeding (a key's order, an order's product), so
    // checking each reference would only double the random B-tree reads.
    db.pragma('foreign_keys = OFF');
    const rows = write(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    // No ANALYZE: the server never runs one, so statistics would give the rows plans it never has.
    return { rows, ms: Date.now() - started };
  } finally {
    db.close();
  }
}

/**
 * PostgreSQL: `count` one-unit orders of `productId` over the last 20 hours, their units taken off
 * `available`, in one transaction; then VACUUM ANALYZE (autovacuum would otherwise wake up on
 * a million new rows in the middle of a measured row) and a CHECKPOINT for the same reason.
 * @param {string} url @param {{ productId: number, count: number }} spec
 * @returns {Promise<Seeded>}
 */
export function seedPostgresOrders(url, { productId, count }) {
  return onPostgres(url, 'orders', async (client) => {
    await client.query('BEGIN');
    const taken = await client.query(
      'UPDATE products SET available = available - $2 WHERE id = $1 AND available >= $2',
      [productId, count],
    );
    if (taken.rowCount !== 1) throw new Error(`product ${productId} has fewer than ${count} units left`);
    await client.query(
      `INSERT INTO orders (id, product_id, quantity, buyer_id, created_at)
       SELECT gen_random_uuid(), $1, 1, NULL,
              date_trunc('milliseconds', to_timestamp(($2::float8 + i * $3::float8) / 1000.0))
       FROM generate_series(0, $4::integer - 1) AS i`,
      [productId, Date.now() - HISTORY_MS, HISTORY_MS / 2 / count, count],
    );
    await client.query('COMMIT');
    return count;
  });
}

/**
 * PostgreSQL: an idempotency key for `count` of the seeded orders (older than `beforeMs`).
 * @param {string} url @param {{ productId: number, count: number, beforeMs: number }} spec
 * @returns {Promise<Seeded>}
 */
export function seedPostgresKeys(url, { productId, count, beforeMs }) {
  return onPostgres(url, 'idempotency_keys', async (client) => {
    const result = await client.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, order_id, remaining, created_at)
       SELECT $1, gen_random_uuid()::text, $2, id, 0, created_at
       FROM orders WHERE product_id = $3 AND created_at < to_timestamp($4::float8 / 1000.0)
       ORDER BY created_at LIMIT $5`,
      [loadScope(), fingerprint(productId, 1), productId, beforeMs, count],
    );
    if (result.rowCount !== count)
      throw new Error(`only ${result.rowCount} seeded orders to key, wanted ${count}`);
    return count;
  });
}

/**
 * @param {string} url @param {string} table vacuumed afterwards
 * @param {(client: any) => Promise<number>} write
 * @returns {Promise<Seeded>}
 */
async function onPostgres(url, table, write) {
  const started = Date.now();
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await write(client).catch(async (/** @type {unknown} */ error) => {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    });
    await client.query(`VACUUM (ANALYZE) ${table}`);
    await client.query('VACUUM (ANALYZE) products');
    // Superuser only; without it the server's own checkpoints may fall inside a row.
    await client.query('CHECKPOINT').catch(() => undefined);
    return { rows, ms: Date.now() - started };
  } finally {
    await client.end().catch(() => undefined);
  }
}
