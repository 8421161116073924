import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../../purchase-rules';
import { Stores } from '../../stores';
import { PostgresCatalogue } from './postgres-catalogue';
import { PostgresDatabase, PostgresStoreOptions } from './postgres-database';
import { PostgresInventoryStore } from './postgres-inventory-store';
import { PostgresPurchases } from './postgres-purchase';
import { PostgresSales } from './postgres-sales';
import { PostgresAuditStore, PostgresBuyerStore } from './postgres-side-stores';

/** The inventory on PostgreSQL: its products, its one-call purchase, its sales. */
export function postgresInventory(
  database: PostgresDatabase,
  idempotencyTtlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
): PostgresInventoryStore {
  return new PostgresInventoryStore(
    new PostgresCatalogue(database),
    new PostgresPurchases(database, idempotencyTtlMs),
    new PostgresSales(database),
  );
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
    inventory: postgresInventory(database, options.idempotencyTtlMs),
    audit: new PostgresAuditStore(database),
    buyers: new PostgresBuyerStore(database),
    checkHealth: async () => [await database.checkHealth()],
    close: () => database.close(),
  };
}
