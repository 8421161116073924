import { checkDependency, Stores } from '../../stores';
import { SqliteDatabase, SqliteStoreOptions } from './sqlite-database';
import { SqliteInventoryStore } from './sqlite-inventory-store';
import { SqliteQueueStore } from './sqlite-queue-store';
import { SqliteAuditStore, SqliteBuyerStore } from './sqlite-side-stores';
import { SqliteSharedSecrets, SqliteTicketStore } from './sqlite-ticket-store';

/** Every port on one SQLite file and one connection: durable, one machine (processes share the file). */
export async function openSqliteStores(options: SqliteStoreOptions): Promise<Stores> {
  const database = new SqliteDatabase(options);
  const inventory = new SqliteInventoryStore(database);
  const secrets = new SqliteSharedSecrets(database);
  const queue = new SqliteQueueStore(database, secrets);
  return {
    kind: 'sqlite',
    inventory,
    audit: new SqliteAuditStore(database),
    buyers: new SqliteBuyerStore(database),
    queue,
    tickets: new SqliteTicketStore(database, secrets),
    checkHealth: async () => [
      await checkDependency('sqlite', async () => {
        database.ping();
        const { queued, waitingForLock } = inventory.batcher;
        return { path: options.path, queued, waitingForLock };
      }),
    ],
    close: async () => {
      if (!database.isOpen) return;
      // Purchases already queued are committed and answered before the connection goes (or, if
      // the file is locked right now, answered "not made"), and so are writes waiting for the lock;
      // joins already queued are counted first.
      await queue.drained();
      if (!database.isOpen) return;
      inventory.batcher.flush();
      database.close();
    },
  };
}
