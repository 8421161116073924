import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearRedisPrefix, createTestDatabase, describeWithService, TEST_REDIS_URL } from '@gtd/testing';
import { openMemoryStores } from '../lib/adapters/memory/memory-stores';
import { openPostgresStores } from '../lib/adapters/postgres/postgres-stores';
import { openRedisStores } from '../lib/adapters/redis/redis-stores';
import { openSqliteStores } from '../lib/adapters/sqlite/sqlite-stores';
import { Stores } from '../lib/stores';

/**
 * The store kinds every port's contract suite runs on. A new kind joins here and must pass every
 * suite unchanged. `open` may be called more than once per adapter: each call is another process's
 * view ("another instance") of the same data, except in memory, where there is only one.
 */
export interface AdapterUnderTest {
  open(): Promise<Stores>;
  cleanup(): void | Promise<void>;
}

export function memoryAdapter(): AdapterUnderTest {
  let stores: Stores | undefined;
  return {
    // One process: a second open is the same store (there is nothing else to share).
    open: async () => (stores ??= openMemoryStores()),
    cleanup: () => undefined,
  };
}

export function sqliteAdapter(): AdapterUnderTest {
  const dir = mkdtempSync(join(tmpdir(), 'gtd-contract-'));
  return {
    open: () => openSqliteStores({ path: join(dir, 'drop.sqlite') }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresAdapter(): AdapterUnderTest {
  let database: Promise<Awaited<ReturnType<typeof createTestDatabase>>> | undefined;
  return {
    open: async () => {
      database ??= createTestDatabase();
      return openPostgresStores({ connectionString: (await database).url, poolSize: 20 });
    },
    cleanup: async () => (await database)?.drop(),
  };
}

export function redisAdapter(): AdapterUnderTest {
  let database: Promise<Awaited<ReturnType<typeof createTestDatabase>>> | undefined;
  const keyPrefix = `gtd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
  return {
    open: async () => {
      database ??= createTestDatabase();
      // The shared test Redis runs without AOF (see redis-durability.spec.ts for the refusal).
      return openRedisStores({
        redisUrl: TEST_REDIS_URL,
        databaseUrl: (await database).url,
        keyPrefix,
        durability: 'accept-loss',
      });
    },
    cleanup: async () => {
      await clearRedisPrefix(keyPrefix);
      await (await database)?.drop();
    },
  };
}

/** Runs `contract` once per store kind, the networked ones only where their server answers. */
export function describeEveryStoreKind(
  port: string,
  contract: (makeAdapter: () => AdapterUnderTest) => void,
): void {
  describe.each([
    ['memory', memoryAdapter],
    ['sqlite', sqliteAdapter],
  ])(`${port} contract: %s`, (_name, makeAdapter) => contract(makeAdapter));
  describeWithService({ name: 'PostgreSQL', host: '127.0.0.1', port: 5432 })(
    `${port} contract: postgres`,
    () => contract(postgresAdapter),
  );
  describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })(`${port} contract: redis`, () =>
    contract(redisAdapter),
  );
}
