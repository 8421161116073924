import Redis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { Reply, send } from './http';
import { childPids, isAlive } from './processes';
import { makeTempDir } from './server';

/**
 * The machine's real PostgreSQL and Redis for the scale-out specs (STORE=redis). Each spec file
 * gets a database of its own, a Redis database index of its own and a unique key prefix, and
 * removes all three afterwards.
 */

/** A database on this server is used to CREATE / DROP the per-spec databases. */
export const POSTGRES_ADMIN_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Without a database index: each spec picks its own. */
export const REDIS_BASE_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function endpoint(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

/** Synchronous TCP probe, so a spec file can decide at load time whether a service is there. */
export function serviceReachable(host: string, port: number): boolean {
  const probe = `require('net').connect(${port}, ${JSON.stringify(host)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when PostgreSQL and Redis answer (or always under CI=true, so their absence fails the
 * build); `describe.skip` with a warning on a machine without them.
 */
export function describeWithServices(): jest.Describe {
  if (process.env['CI'] === 'true') return describe;
  const services = [
    { name: 'PostgreSQL', ...endpoint(POSTGRES_ADMIN_URL, 5432) },
    { name: 'Redis', ...endpoint(REDIS_BASE_URL, 6379) },
  ];
  const missing = services.filter((s) => !serviceReachable(s.host, s.port));
  if (missing.length === 0) return describe;
  console.warn(
    `${missing.map((s) => `${s.name} (${s.host}:${s.port})`).join(' and ')} not reachable: ` +
      'the scale-out specs are skipped here (under CI=true they fail instead)',
  );
  return describe.skip;
}

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
  /** Drops the database and deletes every key under the prefix. */
  dispose(): Promise<void>;
}

/**
 * Creates a fresh database (`gtd_e2e_<label>_<random>`) and a unique Redis key prefix on Redis
 * database `redisDb`. Pass a `redisDb` no other spec uses: a spec may FLUSHDB it.
 */
export async function provisionServices(label: string, redisDb: number): Promise<DropServices> {
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `gtd_e2e_${label}_${suffix}`;
  if (!/^[a-z0-9_]+$/.test(databaseName)) throw new Error(`Bad database name ${databaseName}`);
  const redisUrl = new URL(REDIS_BASE_URL);
  redisUrl.pathname = `/${redisDb}`;
  const redisPrefix = `gtd-e2e:${label}:${suffix}:`;

  // Redis first, failing fast (no endless reconnects keeping jest alive) when it is not there.
  const redis = new Redis(redisUrl.toString(), {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => (attempt > 5 ? null : 200),
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis is not reachable at ${redisUrl}: ${(error as Error).message}`);
  }
  try {
    const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${databaseName}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    redis.disconnect();
    throw new Error(`Cannot create a database on ${POSTGRES_ADMIN_URL}: ${(error as Error).message}`);
  }
  const databaseUrl = new URL(POSTGRES_ADMIN_URL);
  databaseUrl.pathname = `/${databaseName}`;
  const pool = new Pool({ connectionString: databaseUrl.toString(), max: 2 });

  return {
    databaseName,
    databaseUrl: databaseUrl.toString(),
    redisDb,
    redisUrl: redisUrl.toString(),
    redisPrefix,
    env: {
      STORE: 'redis',
      DATABASE_URL: databaseUrl.toString(),
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: redisUrl.toString(),
      REDIS_PREFIX: redisPrefix,
      HOST: '127.0.0.1',
      // An empty folder: no storefront build, the API answers every path itself.
      WEB_ROOT: makeTempDir('gtd-e2e-web-root'),
    },
    sql: async <R extends object>(text: string, params?: unknown[]) =>
      (await pool.query<R>(text, params)).rows,
    redis,
    key: (name: string) => `${redisPrefix}${name}`,
    dispose: async () => {
      const failures: unknown[] = [];
      const attempt = async (step: () => Promise<unknown>) => {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      };
      await attempt(() => pool.end());
      await attempt(async () => {
        const cleaner = new Client({ connectionString: POSTGRES_ADMIN_URL });
        await cleaner.connect();
        try {
          await cleaner.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
        } finally {
          await cleaner.end();
        }
      });
      await attempt(async () => {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      });
      await attempt(() => redis.quit());
      redis.disconnect();
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** What PostgreSQL holds for one product: its row and the orders stored for it. */
export interface StoredSales {
  stock: number;
  available: number;
  orders: number;
  sold: number;
  orderIds: string[];
}

export async function storedSales(services: DropServices, productId: number): Promise<StoredSales> {
  const [product] = await services.sql<{ stock: number; available: number }>(
    'SELECT stock, available FROM products WHERE id = $1',
    [productId],
  );
  if (!product) throw new Error(`PostgreSQL has no product ${productId}`);
  const orders = await services.sql<{ id: string; quantity: number }>(
    'SELECT id::text AS id, quantity FROM orders WHERE product_id = $1',
    [productId],
  );
  return {
    stock: product.stock,
    available: product.available,
    orders: orders.length,
    sold: orders.reduce((total, o) => total + o.quantity, 0),
    orderIds: orders.map((o) => o.id),
  };
}

/** `GET /health` as the API answers it (terminus: one entry per dependency under `details`). */
export interface Health {
  status: string;
  details: {
    instance?: { pid: number; store: string };
    persister?: { status: string; backlog?: number; error?: string };
    [name: string]: unknown;
  };
}

/** One `GET /health` on a connection of its own (so the cluster may hand it to any worker). */
export const health = (baseUrl: string): Promise<Reply<Health>> =>
  send<Health>(baseUrl, { path: '/health', timeoutMs: 5000 });

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Polls `/health` until the persister reports an empty backlog (every confirmed order is in
 * PostgreSQL); resolves with how many polls it took, or fails with the last answer.
 */
export async function waitForEmptyBacklog(baseUrl: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: Reply<Health> | undefined;
  for (let polls = 1; ; polls++) {
    last = await health(baseUrl);
    if (last.status === 200 && last.body.details.persister?.backlog === 0) return polls;
    if (Date.now() > deadline) {
      throw new Error(`persister backlog not empty after ${timeoutMs} ms: ${last.status} ${last.text}`);
    }
    await sleep(100);
  }
}

/** The pids that answered `calls` health checks, each on a fresh connection. */
export async function answeringPids(baseUrl: string, calls: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < calls; i++) {
    const reply = await health(baseUrl);
    const pid = reply.body?.details?.instance?.pid;
    if (reply.status === 200 && pid !== undefined) pids.add(pid);
  }
  return pids;
}

/**
 * Waits until the cluster primary has exactly `count` live workers and every one of them has
 * answered `/health` (so each is listening and ready); resolves with their pids, ascending.
 */
export async function waitForWorkers(
  primaryPid: number,
  baseUrl: string,
  count: number,
  timeoutMs = 20_000,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  const answered = new Set<number>();
  for (;;) {
    const workers = childPids(primaryPid).filter(isAlive);
    if (workers.length === count) {
      for (let i = 0; i < 4 * count && !workers.every((pid) => answered.has(pid)); i++) {
        const reply = await health(baseUrl);
        const pid = reply.body?.details?.instance?.pid;
        if (reply.status === 200 && pid !== undefined) answered.add(pid);
      }
      if (workers.every((pid) => answered.has(pid))) return workers;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `expected ${count} ready workers under pid ${primaryPid} within ${timeoutMs} ms; ` +
          `children ${JSON.stringify(workers)}, answered ${JSON.stringify([...answered])}`,
      );
    }
    await sleep(100);
  }
}
