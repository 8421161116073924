import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../../purchase-rules';
import { checkDependency, Stores } from '../../stores';
import { PostgresCatalogue } from '../postgres/postgres-catalogue';
import { PostgresDatabase } from '../postgres/postgres-database';
import { PostgresOrderLedger } from '../postgres/postgres-ledger';
import { PostgresSales } from '../postgres/postgres-sales';
import { PostgresAuditStore, PostgresBuyerStore } from '../postgres/postgres-side-stores';
import { PostgresTicketStore } from '../postgres/postgres-ticket-store';
import { RedisConnection, RedisStoreOptions } from './redis-connection';
import { checkRedisDurability } from './redis-durability';
import { RedisGate } from './redis-gate';
import { RedisInventoryStore } from './redis-inventory-store';
import { RedisPersister } from './redis-persister';
import { RedisQueueStore } from './redis-queue-store';

/** The Redis adapter's parts over one Redis and one PostgreSQL, as `reconcile` needs them too. */
export interface RedisParts {
  connection: RedisConnection;
  database: PostgresDatabase;
  catalogue: PostgresCatalogue;
  sales: PostgresSales;
  ledger: PostgresOrderLedger;
  gate: RedisGate;
  /** How long an idempotency key is remembered (the option, or the contract's 24 h). */
  ttlMs: number;
}

/** Connects to Redis and PostgreSQL and migrates PostgreSQL; writes nothing to Redis (reconcile relies on that). */
export async function connectRedisParts(options: RedisStoreOptions): Promise<RedisParts> {
  const ttlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  const connection = new RedisConnection(options);
  const database = new PostgresDatabase({
    connectionString: options.databaseUrl,
    poolSize: options.databasePoolSize,
  });
  // Only the pieces Redis needs: PostgreSQL's own purchase path is never used here.
  const ledger = new PostgresOrderLedger(database, ttlMs);
  await connection.connect();
  await database.migrate();
  return {
    connection,
    database,
    catalogue: new PostgresCatalogue(database),
    sales: new PostgresSales(database),
    ledger,
    gate: new RedisGate(connection, ledger, ttlMs),
    ttlMs,
  };
}

/**
 * The inventory's hot path on Redis, everything durable in PostgreSQL: the products, stored
 * orders, audit log and buyer accounts live there, and the persister moves Redis's sales in.
 */
export async function openRedisStores(options: RedisStoreOptions): Promise<Stores> {
  const { connection, database, catalogue, sales, ledger, gate, ttlMs } = await connectRedisParts(options);
  // Before the persister or any purchase: a Redis that may lose confirmed orders is refused here.
  const durability = await checkRedisDurability(connection.redis, options.durability ?? 'require').catch(
    async (refusal: unknown) => {
      connection.disconnectReader();
      await Promise.allSettled([connection.quit(), database.close()]);
      throw refusal;
    },
  );
  const persister = new RedisPersister(connection, ledger, gate, options);
  const inventory = new RedisInventoryStore(connection, { catalogue, sales, ledger }, gate, persister, ttlMs);
  let closed = false;
  return {
    kind: 'redis',
    inventory,
    audit: new PostgresAuditStore(database),
    buyers: new PostgresBuyerStore(database),
    queue: new RedisQueueStore(connection),
    tickets: new PostgresTicketStore(database),
    checkHealth: async () => {
      const [redis, postgres] = await Promise.all([
        checkDependency('redis', async () => {
          await connection.redis.ping();
          // The durability in effect, as read at start-up (a later CONFIG SET is not seen here).
          return { durability };
        }),
        database.checkHealth(),
      ]);
      return [redis, postgres, await persister.health()];
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Hand over what this process read but could not store: another worker claims it.
      await persister.stop();
      await Promise.allSettled([connection.quit(), database.close()]);
    },
  };
}
