import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { TEST_POSTGRES_URL } from './services';

/** A database created for one spec file or one bench run. */
export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** `<label>_<random>`: unique per run, so specs and benches on one server never share a database. */
export function uniqueDatabaseName(label = 'gtd_test'): string {
  const name = `${label}_${process.pid.toString(36)}${randomBytes(4).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  if (!IDENTIFIER.test(name)) throw new Error(`Bad database name ${name}`);
  return name;
}

async function onAdminConnection<T>(adminUrl: string, use: (client: Client) => Promise<T>): Promise<T> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database URL: `adminUrl` with another database name. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh, uniquely named database (see `uniqueDatabaseName`) on the server of `adminUrl`
 * (the test server by default); `drop()` removes it.
 */
export async function createTestDatabase(
  options: { label?: string; adminUrl?: string } = {},
): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? TEST_POSTGRES_URL;
  const name = uniqueDatabaseName(options.label);
  try {
    await onAdminConnection(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    throw new Error(`Cannot create a database on ${redactUrl(adminUrl)}: ${(error as Error).message}`);
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: async () => {
      await onAdminConnection(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

/** `url` with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
