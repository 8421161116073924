import { openMemoryStores } from './adapters/memory/memory-stores';
import { openPostgresStores } from './adapters/postgres/postgres-stores';
import { openRedisStores } from './adapters/redis/redis-stores';
import { openSqliteStores } from './adapters/sqlite/sqlite-stores';
import { loadCatalogFile } from './catalog';
import { InventoryModuleOptions } from './inventory.options';
import { Stores } from './stores';

/**
 * The one place a driver name becomes a store kind (connected and migrated); an unknown name is a
 * start-up error.
 */
export async function connectStores(options: InventoryModuleOptions): Promise<Stores> {
  const idempotencyTtlMs = options.idempotencyTtlMs;
  switch (options.store) {
    case 'memory':
      return openMemoryStores({ idempotencyTtlMs });
    case 'sqlite':
      return openSqliteStores({
        path: options.sqlitePath ?? './data/drop.sqlite',
        synchronous: options.sqliteSynchronous,
        idempotencyTtlMs,
      });
    case 'postgres':
      if (!options.databaseUrl) throw new Error('STORE=postgres needs DATABASE_URL');
      return openPostgresStores({
        connectionString: options.databaseUrl,
        poolSize: options.databasePoolSize,
        idempotencyTtlMs,
      });
    case 'redis':
      if (!options.redisUrl || !options.databaseUrl)
        throw new Error('STORE=redis needs REDIS_URL and DATABASE_URL');
      return openRedisStores({
        redisUrl: options.redisUrl,
        databaseUrl: options.databaseUrl,
        databasePoolSize: options.databasePoolSize,
        keyPrefix: options.redisPrefix,
        claimIdleMs: options.redisClaimIdleMs,
        durability: options.redisDurability,
        idempotencyTtlMs,
      });
    default:
      throw new Error(`Unknown STORE "${(options as { store: string }).store}"`);
  }
}

/** Connects the store kind and fills its inventory from the catalogue if (and only if) it is empty. */
export async function openStores(options: InventoryModuleOptions): Promise<Stores> {
  const catalog = loadCatalogFile(options.catalogPath);
  const stores = await connectStores(options);
  await stores.inventory.seedIfEmpty(catalog);
  return stores;
}
