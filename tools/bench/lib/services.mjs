// The local PostgreSQL and Redis the postgres/redis rows use: a fresh database per server config,
// dropped afterwards, and a Redis key prefix per config, deleted afterwards.
import { createRequire } from 'node:module';

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

/** @param {string} sql */
async function adminQuery(sql) {
  const client = new (pg().Client)({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await withTimeout(client.connect(), 4000, 'PostgreSQL');
    return await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** @returns {Promise<string | undefined>} why PostgreSQL cannot be used, or undefined when it can */
export async function postgresProblem() {
  try {
    await adminQuery('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL not usable at ${redact(PG_ADMIN_URL)}: ${message(error)}`;
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
    return `Redis not usable at ${redact(REDIS_URL)}: ${message(error)}`;
  } finally {
    client?.disconnect();
  }
}

/** @type {Set<string>} */
const createdDatabases = new Set();

/**
 * Creates an empty database and returns its connection string.
 * @param {string} name lowercase letters, digits and _ only
 */
export async function createDatabase(name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  await adminQuery(`CREATE DATABASE ${name}`);
  createdDatabases.add(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database this run created (after the servers using them stopped). */
export async function dropDatabases() {
  /** @type {string[]} */
  const failures = [];
  for (const name of createdDatabases) {
    try {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      createdDatabases.delete(name);
    } catch (error) {
      failures.push(`${name}: ${message(error)}`);
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
  if (usedPrefixes.size === 0) return 0;
  const client = new (Redis())(REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  let deleted = 0;
  try {
    for (const prefix of usedPrefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) deleted += await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      usedPrefixes.delete(prefix);
    }
  } finally {
    client.disconnect();
  }
  return deleted;
}

/** @param {string} url */
export function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** @param {unknown} error */
export function message(error) {
  return error instanceof Error ? error.message : String(error);
}
