// The local PostgreSQL and Redis the postgres/redis rows use: a fresh database per server config,
// dropped afterwards, and a Redis key prefix per config, deleted afterwards (both with the helpers
// the e2e specs use, @gtd/testing).
import { createRequire } from 'node:module';
import testing from './testing.mjs';

const { clearRedisPrefix, createTestDatabase, redactUrl } = testing;
const require = createRequire(import.meta.url);

export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/7';

/** @returns {any} the `pg` module of the workspace */
const pg = () => require('pg');
/** @returns {any} the ioredis constructor of the workspace */
const Redis = () => require('ioredis').Redis;

/**
 * @template T
 * @param {Promise<T>} promise @param {number} ms @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** @returns {Promise<string | undefined>} why PostgreSQL cannot be used, or undefined when it can */
export async function postgresProblem() {
  const client = new (pg().Client)({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await withTimeout(client.connect(), 4000, 'PostgreSQL');
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL not usable at ${redactUrl(PG_ADMIN_URL)}: ${message(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** @returns {Promise<string | undefined>} why Redis cannot be used, or undefined when it can */
export async function redisProblem() {
  let client;
  try {
    client = new (Redis())(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await withTimeout(client.connect(), 3000, 'Redis');
    await withTimeout(client.ping(), 3000, 'Redis');
    return undefined;
  } catch (error) {
    return `Redis not usable at ${redactUrl(REDIS_URL)}: ${message(error)}`;
  } finally {
    client?.disconnect();
  }
}

/** @type {Set<import('../../../libs/testing/src/index.js').TestDatabase>} */
const createdDatabases = new Set();

/**
 * Creates an empty database named after `label` (plus a part unique to this run) and returns its
 * connection string.
 * @param {string} label lowercase letters, digits and _ only
 */
export async function createDatabase(label) {
  const database = await createTestDatabase({ label, adminUrl: PG_ADMIN_URL });
  createdDatabases.add(database);
  return database.url;
}

/** Drops every database this run created (after the servers using them stopped). */
export async function dropDatabases() {
  /** @type {string[]} */
  const failures = [];
  for (const database of createdDatabases) {
    try {
      await database.drop();
      createdDatabases.delete(database);
    } catch (error) {
      failures.push(`${database.name}: ${message(error)}`);
    }
  }
  return failures;
}

/** @type {Set<string>} */
const usedPrefixes = new Set();

/** Records a Redis key prefix a server will write under, so `deleteRedisKeys` removes its keys. */
export function useRedisPrefix(/** @type {string} */ prefix) {
  usedPrefixes.add(prefix);
}

/** Deletes every key under the prefixes this run used; returns how many keys went. */
export async function deleteRedisKeys() {
  let deleted = 0;
  for (const prefix of usedPrefixes) {
    deleted += await clearRedisPrefix(prefix, REDIS_URL);
    usedPrefixes.delete(prefix);
  }
  return deleted;
}

/** @param {unknown} error */
export function message(error) {
  return error instanceof Error ? error.message : String(error);
}
