// Growth rows for one durable store: the rush (and the rush with a fresh Idempotency-Key per
// request) on an empty store, then with a million orders stored, then with a million keys stored
// as well. One store, kept across three starts of the server: stop, seed in the database, start.
import { RUSH_PRODUCT } from '../options.mjs';
import { int } from '../rows.mjs';
import { compared, measure, warm } from './row.mjs';
import { seedPostgresKeys, seedPostgresOrders, seedSqliteKeys, seedSqliteOrders } from './seed.mjs';

/** @typedef {import('./row.mjs').GrowthRow} GrowthRow */

/**
 * @param {object} spec
 * @param {import('./server.mjs').GrowthServers} spec.servers
 * @param {'sqlite' | 'postgres'} spec.store
 * @param {{ orders: number, keys: number }} spec.scale  how many of each to seed
 * @param {Array<'orders' | 'keys'>} spec.parts
 * @param {import('./row.mjs').Timing} spec.timing
 * @param {(text: string) => void} spec.log
 * @returns {Promise<GrowthRow[]>}
 */
export async function storeRows({ servers, store: storeName, scale, parts, timing, log }) {
  /** @type {GrowthRow[]} */
  const rows = [];
  const store = await servers.createStore(storeName);
  /** @type {import('../servers.mjs').RunningServer | undefined} */
  let server;
  const stored = { orders: 0, keys: 0, subscribers: 0 };
  const kinds = /** @type {Array<'rush' | 'rush+key'>} */ ([
    ...(parts.includes('orders') ? ['rush'] : []),
    ...(parts.includes('keys') ? ['rush+key'] : []),
  ]);

  /** @param {Array<'rush' | 'rush+key'>} measured */
  const stage = async (measured) => {
    server = await servers.start(store);
    await warm(server, measured[0], timing);
    for (const kind of measured) {
      const part = kind === 'rush' ? 'orders' : 'keys';
      const row = /** @type {GrowthRow} */ ({
        part,
        store: storeName,
        stored: { ...stored },
        ...(await measure({ server, kind, timing })),
        compare: undefined,
      });
      const reference = rows.find((r) => r.scenario === kind && r.stored.orders === 0 && r.stored.keys === 0);
      const done = compared(row, reference, `${kind}, nothing stored`);
      rows.push(done);
      log(`  ${describe(done)}`);
    }
    await server.stop();
    server = undefined;
  };

  /** @param {() => Promise<{ rows: number, ms: number }> | { rows: number, ms: number }} seed @param {string} what */
  const seeding = async (seed, what) => {
    const seeded = await seed();
    log(`  seeded ${int(seeded.rows)} ${what} in ${(seeded.ms / 1000).toFixed(1)} s`);
  };

  try {
    log(`• growth: ${storeName}, nothing stored`);
    await stage(kinds);
    if (kinds.length === 0) return rows;

    // The seeded orders are all older than this: the keys go on them, not on the rows' own sales.
    const seededBefore = Date.now();
    await seeding(
      () =>
        store.sqlitePath
          ? seedSqliteOrders(store.sqlitePath, { productId: RUSH_PRODUCT, count: scale.orders })
          : seedPostgresOrders(/** @type {string} */ (store.databaseUrl), {
              productId: RUSH_PRODUCT,
              count: scale.orders,
            }),
      `orders of product ${RUSH_PRODUCT}`,
    );
    stored.orders = scale.orders;
    log(`• growth: ${storeName}, ${int(stored.orders)} orders stored`);
    await stage(kinds);

    if (parts.includes('keys')) {
      const count = Math.min(scale.keys, scale.orders);
      await seeding(
        () =>
          store.sqlitePath
            ? seedSqliteKeys(store.sqlitePath, { productId: RUSH_PRODUCT, count, beforeMs: seededBefore })
            : seedPostgresKeys(/** @type {string} */ (store.databaseUrl), {
                productId: RUSH_PRODUCT,
                count,
                beforeMs: seededBefore,
              }),
        'idempotency keys (one per seeded order)',
      );
      stored.keys = count;
      log(`• growth: ${storeName}, ${int(stored.orders)} orders and ${int(stored.keys)} keys stored`);
      await stage(['rush+key']);
    }
    return rows;
  } finally {
    await /** @type {import('../servers.mjs').RunningServer | undefined} */ (server)?.stop();
    await store.drop();
  }
}

/** One log line: what was stored, the figures and the ratio to the empty store. @param {GrowthRow} row */
export function describe(row) {
  const l = row.latencyMs;
  const stored = `${int(row.stored.orders)} orders, ${int(row.stored.keys)} keys`;
  return (
    `${row.store.padEnd(8)} ${row.scenario.padEnd(8)} ${stored.padEnd(28)} ${int(row.requestsPerSecond).padStart(7)} req/s` +
    `  p50 ${l.p50} p99 ${l.p99} ms  errors ${row.errors} unexpected ${row.unexpected}` +
    `  cpu server ${row.serverCpuPercent ?? '?'}% load ${row.loadCpuPercent}%` +
    (row.compare ? `  ${row.compare.ratio.toFixed(2)}× req/s, ${row.compare.p99Ratio.toFixed(2)}× p99` : '') +
    (row.stock
      ? `  sold ${int(row.stock.before - row.stock.after)} = ${int(row.stock.created)} × 201: ${row.stock.pass ? 'PASS' : 'FAIL'}`
      : '')
  );
}
