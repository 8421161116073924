import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { cleanup } from './api-process';
import { OPERATOR_TOKEN } from './cluster';
import { lateBound } from './late-bound';
import { createTestDatabase, TestDatabase } from './postgres';
import {
  clearRedisPrefix,
  connectRedis,
  leaseRedisDatabase,
  RedisDatabaseLease,
  uniqueRedisPrefix,
} from './redis';
import { TEST_REDIS_URL } from './services';
import { makeTempDir } from './temp';

/**
 * The machine's real PostgreSQL and Redis for one spec file: a database of its own, a Redis
 * database index of its own (leased, so the spec may FLUSHDB it) and a unique key prefix.
 */
export interface DropServices {
  databaseName: string;
  databaseUrl: string;
  redisDb: number;
  redisUrl: string;
  redisPrefix: string;
  /** What a server (or `main.js reconcile`) needs to run on these services with STORE=redis. */
  env: Record<string, string>;
  /** Runs a query against this spec's database and returns its rows. */
  sql<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** A client on this spec's Redis database index, without the key prefix. */
  redis: Redis;
  /** A key as the API names it, i.e. with this spec's prefix. */
  key(name: string): string;
  /** Drops the database, deletes every key under the prefix and gives the index back. */
  dispose(): Promise<void>;
}

/** Runs every step, then throws the first failure (so one failing step does not leak the others). */
async function allSteps(steps: (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * Provisions `DropServices` on the test servers; `label` names the database and the prefix.
 * `postgresAdminUrl` puts the database on another PostgreSQL (e.g. a spec's own cluster).
 */
export async function provisionServices(label: string, postgresAdminUrl?: string): Promise<DropServices> {
  // Redis first, failing fast when it is not there.
  const lease: RedisDatabaseLease = await leaseRedisDatabase(TEST_REDIS_URL);
  let redis: Redis | undefined;
  let database: TestDatabase | undefined;
  try {
    redis = await connectRedis(lease.url);
    database = await createTestDatabase({ label: `gtd_e2e_${label}`, adminUrl: postgresAdminUrl });
  } catch (error) {
    redis?.disconnect();
    await lease.release().catch(() => undefined);
    throw error;
  }
  const { Pool: PgPool } = await import('pg');
  const pool: Pool = new PgPool({ connectionString: database.url, max: 2 });
  // pool.end() resolves before its connections are closed; dropping the database (WITH FORCE) may
  // then terminate one, which the pool reports as an error of an idle client. Nothing to do then.
  pool.on('error', () => undefined);
  const redisPrefix = uniqueRedisPrefix(`gtd-e2e:${label}`);
  const client = redis;
  const created = database;

  return {
    databaseName: created.name,
    databaseUrl: created.url,
    redisDb: lease.db,
    redisUrl: lease.url,
    redisPrefix,
    env: {
      STORE: 'redis',
      DATABASE_URL: created.url,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: lease.url,
      REDIS_PREFIX: redisPrefix,
      HOST: '127.0.0.1',
      // The persister's backlog and the workers' pids are in GET /admin/health only.
      ADMIN_TOKEN: OPERATOR_TOKEN,
      // An empty folder: no storefront build, the API answers every path itself.
      WEB_ROOT: makeTempDir('gtd-e2e-web-root'),
    },
    sql: async <R extends object>(text: string, params?: unknown[]) =>
      (await pool.query<R>(text, params)).rows,
    redis: client,
    key: (name: string) => `${redisPrefix}${name}`,
    dispose: () =>
      allSteps([
        () => pool.end(),
        () => created.drop(),
        () => clearRedisPrefix(redisPrefix, lease.url),
        () => client.quit().catch(() => client.disconnect()),
        () => lease.release(),
      ]),
  };
}

/**
 * `provisionServices(label)` as Jest hooks of the enclosing `describe`, standing for the services
 * (see `lateBound`). They are provisioned in `beforeAll`: declare the fixture before a `useServer`
 * that needs their `env`. In `afterAll`, every server still running is killed first (they use
 * these services), then the services are disposed. `postgresAdminUrl` is read in `beforeAll`,
 * after the fixtures declared before this one (e.g. `useOwnPostgres`) have started.
 */
export function useServices(label: string, postgresAdminUrl?: () => string): DropServices {
  let provisioned: DropServices | undefined;
  beforeAll(async () => {
    provisioned = await provisionServices(label, postgresAdminUrl?.());
  });
  afterAll(async () => {
    await cleanup();
    await provisioned?.dispose();
  });
  return lateBound('The services of useServices()', () => provisioned);
}
