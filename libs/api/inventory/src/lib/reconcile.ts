import { compareRedisWithPostgres, ReconcileRow } from './adapters/redis/redis-reconcile';
import { connectRedisParts } from './adapters/redis/redis-stores';
import { InventoryModuleOptions } from './inventory.options';

/**
 * `npm run reconcile`: compares, per product, Redis's counter with what PostgreSQL says must be
 * left (stock − every sold order, stored or still in the stream), and Redis's copy of the drop's
 * rules with PostgreSQL's. With `repair`, rebuilds Redis from PostgreSQL first (counters, rules,
 * buyer totals, idempotency keys). Purchases arriving during the repair wait for it (the rebuild
 * closes the gate every purchase script checks), so it is safe while a drop runs; they only stall.
 */
export async function reconcileRedis(
  options: InventoryModuleOptions,
  repair: boolean,
): Promise<ReconcileRow[]> {
  if (options.store !== 'redis' || !options.redisUrl || !options.databaseUrl) {
    throw new Error('reconcile compares Redis with PostgreSQL: set STORE=redis, REDIS_URL and DATABASE_URL');
  }
  const { connection, database, ledger, gate } = await connectRedisParts({
    redisUrl: options.redisUrl,
    databaseUrl: options.databaseUrl,
    keyPrefix: options.redisPrefix,
    databasePoolSize: 2,
    // A repair rebuilds the idempotency keys too, kept as long as the API keeps them.
    idempotencyTtlMs: options.idempotencyTtlMs,
  });
  try {
    if (repair) await gate.repair();
    return await compareRedisWithPostgres(connection, ledger);
  } finally {
    connection.disconnectReader();
    await Promise.allSettled([connection.quit(), database.close()]);
  }
}

export function formatReconcileReport(rows: readonly ReconcileRow[]): string {
  const header = [
    'product',
    'name',
    'stock',
    'sold',
    'available (redis)',
    'expected',
    'postgres',
    'rules',
    'agree',
  ];
  const lines = rows.map((r) => [
    String(r.productId),
    r.name,
    String(r.stock),
    String(r.sold),
    r.redisAvailable === null ? 'missing' : String(r.redisAvailable),
    String(r.expectedAvailable),
    String(r.postgresAvailable),
    r.rulesAgree ? 'same' : 'DIFFER',
    r.agree ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const verdict = rows.every((r) => r.agree)
    ? 'Redis and PostgreSQL agree: stock = available + sold for every product.'
    : 'DISAGREEMENT: run `npm run reconcile -- --repair` (purchases pause while it rebuilds Redis).';
  return [render(header), ...lines.map(render), '', verdict].join('\n');
}
