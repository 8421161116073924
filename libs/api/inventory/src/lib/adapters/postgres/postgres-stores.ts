import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../../purchase-rules';
import { Stores } from '../../stores';
import { PostgresCatalogue } from './postgres-catalogue';
import { PostgresDatabase, PostgresStoreOptions } from './postgres-database';
import { PostgresInventoryStore } from './postgres-inventory-store';
import { PostgresOrderLedger } from './postgres-ledger';
import { PostgresPurchases } from './postgres-purchase';
import { PostgresSales } from './postgres-sales';
import { PostgresAuditStore, PostgresBuyerStore } from './postgres-side-stores';

/** The PostgreSQL pieces over one pool: the inventory's parts and the Redis adapter's ledger. */
export function postgresParts(database: PostgresDatabase, idempotencyTtlMs = DEFAULT_IDEMPOTENCY_TTL_MS) {
  const catalogue = new PostgresCatalogue(database);
  const sales = new PostgresSales(database);
  const purchases = new PostgresPurchases(database, idempotencyTtlMs);
  return {
    catalogue,
    sales,
    inventory: new PostgresInventoryStore(catalogue, purchases, sales),
    ledger: new PostgresOrderLedger(database, idempotencyTtlMs),
  };
}

/** Every port on one PostgreSQL database and one pool: durable, shared by any number of processes. */
export async function openPostgresStores(options: PostgresStoreOptions): Promise<Stores> {
  const database = new PostgresDatabase(options);
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    kind: 'postgres',
    inventory: postgresParts(database, options.idempotencyTtlMs).inventory,
    audit: new PostgresAuditStore(database),
    buyers: new PostgresBuyerStore(database),
    checkHealth: async () => [await database.checkHealth()],
    close: () => database.close(),
  };
}
