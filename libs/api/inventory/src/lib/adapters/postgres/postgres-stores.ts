import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../../purchase-rules';
import { Stores } from '../../stores';
import { PostgresCancels } from './postgres-cancel';
import { PostgresCatalogue } from './postgres-catalogue';
import { PostgresDatabase, PostgresStoreOptions } from './postgres-database';
import { PostgresInventoryStore } from './postgres-inventory-store';
import { PostgresPurchases } from './postgres-purchase';
import { PostgresQueueStore } from './postgres-queue-store';
import { PostgresTicketStore } from './postgres-ticket-store';
import { PostgresSales } from './postgres-sales';
import { PostgresAuditStore, PostgresBuyerStore } from './postgres-side-stores';

/** The inventory on PostgreSQL: its products, its batched purchases, its sales. */
export function postgresInventory(
  database: PostgresDatabase,
  idempotencyTtlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
  purchases = new PostgresPurchases(database, idempotencyTtlMs),
): PostgresInventoryStore {
  return new PostgresInventoryStore(
    new PostgresCatalogue(database),
    purchases,
    new PostgresSales(database),
    new PostgresCancels(database),
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
  const purchases = new PostgresPurchases(database, options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
  const queue = new PostgresQueueStore(database);
  return {
    kind: 'postgres',
    inventory: postgresInventory(database, options.idempotencyTtlMs, purchases),
    audit: new PostgresAuditStore(database),
    buyers: new PostgresBuyerStore(database),
    queue,
    tickets: new PostgresTicketStore(database),
    checkHealth: async () => [await database.checkHealth()],
    // Batches already queued (purchases, joins) are still decided and answered before the pool goes.
    close: async () => {
      await Promise.all([purchases.batches.drained(), queue.drained()]);
      await database.close();
    },
  };
}
