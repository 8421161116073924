import { createTestDatabase, OPERATOR_TOKEN, provisionServices, RunningApi } from '@gtd/testing';
import { Pool } from 'pg';
import { storedSales, waitForEmptyBacklog } from '../support/services';

/**
 * The stores several API processes share, provisioned for one spec (a database and a Redis key
 * prefix of its own, so the shared servers are never flushed), and how the spec looks into them.
 */
export interface SharedStores {
  /** What a server needs to run on these stores (with the operator API on, as OPERATOR_TOKEN). */
  env: Record<string, string>;
  /** Who holds a drop's admission lease, as the store says (`host:pid:nonce`); null: nobody yet. */
  leaseHolder(productId: number): Promise<string | null>;
  /** The orders PostgreSQL holds for the product, once every confirmed one has reached it. */
  storedOrders(productId: number, via: RunningApi): Promise<{ ids: string[]; sold: number }>;
  dispose(): Promise<void>;
}

/** STORE=redis: Redis (a leased database index, a unique prefix) in front of a database of its own. */
export async function redisStores(label: string): Promise<SharedStores> {
  const services = await provisionServices(label);
  return {
    env: services.env,
    // The lease hash of libs/api/inventory redis-queue-scripts.ts (QueueKeys.lease).
    leaseHolder: (productId) => services.redis.hget(services.key(`{queue:${productId}}:lease`), 'holder'),
    storedOrders: async (productId, via) => {
      await waitForEmptyBacklog(via.baseUrl);
      const { orderIds, sold } = await storedSales(services, productId);
      return { ids: orderIds, sold };
    },
    dispose: () => services.dispose(),
  };
}

/** STORE=postgres: a database of its own. */
export async function postgresStores(label: string): Promise<SharedStores> {
  const database = await createTestDatabase({ label: `gtd_e2e_${label}` });
  const pool = new Pool({ connectionString: database.url, max: 2 });
  // Dropping the database (WITH FORCE) may end an idle connection of the pool: nothing to do then.
  pool.on('error', () => undefined);
  return {
    env: {
      STORE: 'postgres',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      ADMIN_TOKEN: OPERATOR_TOKEN,
    },
    leaseHolder: async (productId) => {
      const { rows } = await pool.query<{ holder: string }>(
        'SELECT holder FROM queue_leases WHERE product_id = $1',
        [productId],
      );
      return rows[0]?.holder ?? null;
    },
    storedOrders: async (productId) => {
      const { rows } = await pool.query<{ id: string; quantity: number }>(
        'SELECT id::text AS id, quantity FROM orders WHERE product_id = $1',
        [productId],
      );
      return { ids: rows.map((r) => r.id), sold: rows.reduce((total, r) => total + r.quantity, 0) };
    },
    dispose: async () => {
      await pool.end();
      await database.drop();
    },
  };
}

/** The pid in an admission lease holder (`host:pid:nonce`, see libs/api/queue admission-leader.ts). */
export const pidOfHolder = (holder: string | null): number | undefined => {
  const match = holder?.match(/:(\d+):[0-9a-f]+$/);
  return match ? Number(match[1]) : undefined;
};
