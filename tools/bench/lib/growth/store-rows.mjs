// Growth rows for one durable store: the rush (and the rush with a fresh Idempotency-Key per
// request) on an empty store, on one holding a million orders, and on one holding a million keys
// as well. The three run side by side and each kind of row is measured on them one after the
// other (as the bench alternates the baseline and the stores), so a machine that gets busier or
// quieter meanwhile shifts all three alike. The full ones are seeded straight in the database
// between a first start (which creates the schema and the catalogue) and the measured one.
import { RUSH_PRODUCT } from '../options.mjs';
import { int } from '../rows.mjs';
import { compared, measure, warm } from './row.mjs';
import { seedPostgresKeys, seedPostgresOrders, seedSqliteKeys, seedSqliteOrders } from './seed.mjs';

/** @typedef {import('./row.mjs').GrowthRow} GrowthRow */
/** @typedef {import('./server.mjs').GrowthStore} GrowthStore */
/** @typedef {import('../servers.mjs').RunningServer} RunningServer */

/**
 * @typedef {object} Variant
 * @property {string} label
 * @property {GrowthStore} store
 * @property {{ orders: number, keys: number, subscribers: number }} stored
 * @property {RunningServer} [server]
 */

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
  const kinds = /** @type {Array<'rush' | 'rush+key'>} */ ([
    ...(parts.includes('orders') ? ['rush'] : []),
    ...(parts.includes('keys') ? ['rush+key'] : []),
  ]);
  if (kinds.length === 0) return rows;
  const keys = parts.includes('keys') ? Math.min(scale.keys, scale.orders) : 0;
  /** @type {Variant[]} */
  const variants = [];
  try {
    log(`• growth: ${storeName}: seeding`);
    const empty = await servers.createStore(storeName);
    variants.push({ label: 'empty', store: empty, stored: { orders: 0, keys: 0, subscribers: 0 } });
    const withOrders = await servers.createStore(storeName);
    variants.push({
      label: 'orders',
      store: withOrders,
      stored: { orders: scale.orders, keys: 0, subscribers: 0 },
    });
    // The schema and the catalogue, as the server makes them.
    await (await servers.start(withOrders)).stop();
    const seededOrders = await (withOrders.sqlitePath
      ? seedSqliteOrders(withOrders.sqlitePath, { productId: RUSH_PRODUCT, count: scale.orders })
      : seedPostgresOrders(/** @type {string} */ (withOrders.databaseUrl), {
          productId: RUSH_PRODUCT,
          count: scale.orders,
        }));
    log(
      `  ${int(seededOrders.rows)} orders of product ${RUSH_PRODUCT} in ${(seededOrders.ms / 1000).toFixed(1)} s`,
    );
    if (keys > 0) {
      const copyStarted = Date.now();
      const withKeys = await servers.createStore(storeName, withOrders);
      const copyMs = Date.now() - copyStarted;
      variants.push({
        label: 'keys',
        store: withKeys,
        stored: { orders: scale.orders, keys, subscribers: 0 },
      });
      const seededKeys = await (withKeys.sqlitePath
        ? seedSqliteKeys(withKeys.sqlitePath, { productId: RUSH_PRODUCT, count: keys, beforeMs: Date.now() })
        : seedPostgresKeys(/** @type {string} */ (withKeys.databaseUrl), {
            productId: RUSH_PRODUCT,
            count: keys,
            beforeMs: Date.now(),
          }));
      log(
        `  copied in ${(copyMs / 1000).toFixed(1)} s, then ${int(seededKeys.rows)} idempotency keys ` +
          `(one per seeded order) in ${(seededKeys.ms / 1000).toFixed(1)} s`,
      );
    }
    for (const variant of variants) {
      variant.server = await servers.start(variant.store);
      await warm(variant.server, kinds[0], timing);
    }
    log(
      `• growth: ${storeName}: ${variants.length} servers side by side (${variants.map((v) => v.label).join(', ')})`,
    );
    for (const kind of kinds) {
      for (const variant of variants) {
        // A store with keys is there for the keyed rush; the plain rush never reads them.
        if (kind === 'rush' && variant.stored.keys > 0) continue;
        const server = /** @type {RunningServer} */ (variant.server);
        const row = /** @type {GrowthRow} */ ({
          part: kind === 'rush' ? 'orders' : 'keys',
          store: storeName,
          stored: { ...variant.stored },
          ...(await measure({ server, kind, timing, databaseUrl: variant.store.databaseUrl })),
          compare: undefined,
        });
        const reference = rows.find((r) => r.scenario === kind && r.stored.orders === 0);
        const done = compared(row, reference, `${kind}, nothing stored`);
        rows.push(done);
        log(`  ${describe(done)}`);
      }
    }
    return rows;
  } finally {
    for (const variant of variants) await variant.server?.stop();
    for (const variant of variants) await variant.store.drop();
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
    (row.cpuMsPerRequest
      ? `  cpu/req ${row.cpuMsPerRequest.server}${row.cpuMsPerRequest.database === undefined ? '' : ` + db ${row.cpuMsPerRequest.database}`} ms`
      : '') +
    (row.compare
      ? `  ${row.compare.ratio.toFixed(2)}× req/s, ${row.compare.p99Ratio.toFixed(2)}× p99` +
        (row.compare.cpuRatio === undefined ? '' : `, ${row.compare.cpuRatio.toFixed(2)}× cpu/req`)
      : '') +
    (row.stock
      ? `  sold ${int(row.stock.before - row.stock.after)} = ${int(row.stock.created)} × 201: ${row.stock.pass ? 'PASS' : 'FAIL'}`
      : '')
  );
}
