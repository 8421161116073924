import { MemoryInventoryStore } from './adapters/memory-inventory-store';
import { PostgresInventoryStore } from './adapters/postgres-inventory-store';
import { RedisInventoryStore } from './adapters/redis-inventory-store';
import { SqliteInventoryStore } from './adapters/sqlite-inventory-store';
import { loadCatalogFile } from './catalog';
import { InventoryStore } from './inventory-store';
import { InventoryModuleOptions } from './inventory.options';

/** The one place a driver name becomes an adapter; an unknown name is a start-up error. */
export function createStore(options: InventoryModuleOptions): InventoryStore {
  switch (options.store) {
    case 'memory':
      return new MemoryInventoryStore({ idempotencyTtlMs: options.idempotencyTtlMs });
    case 'sqlite':
      return new SqliteInventoryStore({
        path: options.sqlitePath ?? './data/drop.sqlite',
        synchronous: options.sqliteSynchronous,
        idempotencyTtlMs: options.idempotencyTtlMs,
      });
    case 'postgres':
      if (!options.databaseUrl) throw new Error('STORE=postgres needs DATABASE_URL');
      return new PostgresInventoryStore({
        connectionString: options.databaseUrl,
        poolSize: options.databasePoolSize,
        idempotencyTtlMs: options.idempotencyTtlMs,
      });
    case 'redis':
      if (!options.redisUrl || !options.databaseUrl)
        throw new Error('STORE=redis needs REDIS_URL and DATABASE_URL');
      return new RedisInventoryStore({
        redisUrl: options.redisUrl,
        databaseUrl: options.databaseUrl,
        databasePoolSize: options.databasePoolSize,
        keyPrefix: options.redisPrefix,
        claimIdleMs: options.redisClaimIdleMs,
        idempotencyTtlMs: options.idempotencyTtlMs,
      });
    default:
      throw new Error(`Unknown STORE "${(options as { store: string }).store}"`);
  }
}

/** Opens the store, migrates it and fills it from the catalogue if (and only if) it is empty. */
export async function openStore(options: InventoryModuleOptions): Promise<InventoryStore> {
  const catalog = loadCatalogFile(options.catalogPath);
  const store = createStore(options);
  await store.init();
  await store.seedIfEmpty(catalog);
  return store;
}
