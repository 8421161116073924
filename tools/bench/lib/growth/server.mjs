// The production server as the growth rows run it: started and stopped with the bench's own
// startServer (the @gtd/testing harness), with the environment the bench gives its store rows,
// on a store the growth rows own (a SQLite file or a PostgreSQL database kept across restarts,
// so the history seeded between two starts is there at the next).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { BENCH_CATALOG } from '../options.mjs';
import { PG_ADMIN_URL } from '../services.mjs';
import { findTaskset, startServer } from '../servers.mjs';
import testing from '../testing.mjs';
import { writeStandInStorefront } from '../stand-in-storefront.mjs';

const { databaseUrl, uniqueDatabaseName } = testing;
const require = createRequire(import.meta.url);

/** @param {string} url */
const databaseName = (url) => new URL(url).pathname.slice(1);

/** Runs one statement on the admin connection (CREATE / DROP DATABASE). @param {string} sql */
async function onAdmin(sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** @type {Set<() => Promise<void>>} databases created and not yet dropped (for an interrupted run) */
const undropped = new Set();

/** Drops every database the growth rows created and have not dropped yet (Ctrl-C). */
export async function dropGrowthDatabases() {
  for (const drop of [...undropped]) await drop().catch(() => undefined);
}

/**
 * Where a growth server keeps its data, and what it needs to start.
 * @typedef {object} GrowthStore
 * @property {'memory' | 'sqlite' | 'postgres'} store
 * @property {Record<string, string>} env  STORE and its file or database
 * @property {string | undefined} sqlitePath
 * @property {string | undefined} databaseUrl
 * @property {() => Promise<void>} drop  removes the database (files go with the work folder)
 */

/**
 * @typedef {object} GrowthServers
 * @property {(store: GrowthStore) => Promise<import('../servers.mjs').RunningServer>} start
 * @property {(store: 'memory' | 'sqlite' | 'postgres', from?: GrowthStore) => Promise<GrowthStore>} createStore
 *   an empty store, or a copy of `from` (whose server must be stopped)
 * @property {string} pinning  how servers and load are placed, for the report
 */

/**
 * @param {object} spec
 * @param {string} spec.root  the workspace (the servers' working directory)
 * @param {string} spec.workDir  a folder of the growth rows' own, removed by the caller
 * @param {string | undefined} spec.webRoot  the bench's stand-in storefront; one is written when absent
 * @param {boolean} spec.pin  pin servers to CPU 0 (the caller pins itself to CPU 1)
 * @param {string} spec.runId
 * @returns {GrowthServers}
 */
export function growthServers({ root, workDir, webRoot, pin, runId }) {
  const catalogPath = join(workDir, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(BENCH_CATALOG, null, 2));
  const storefront = webRoot ?? writeStandInStorefront(join(workDir, 'web-root'));
  const taskset = pin ? findTaskset() : undefined;
  // Not availableParallelism(): the caller has already pinned itself to one core.
  const pinned = taskset !== undefined && cpus().length >= 2;
  let stores = 0;

  return {
    pinning: pinned
      ? 'servers pinned to CPU 0, load generator on CPU 1 (taskset)'
      : 'no CPU pinning: server and load generator share the cores',
    createStore: async (store, from) => {
      const slug = `${store}${++stores}`;
      /** @type {GrowthStore} */
      const created = {
        store,
        env: { STORE: store },
        sqlitePath: undefined,
        databaseUrl: undefined,
        drop: async () => undefined,
      };
      if (store === 'sqlite') {
        const dir = join(workDir, `sqlite-${slug}`);
        mkdirSync(dir);
        created.sqlitePath = join(dir, 'drop.sqlite');
        created.env.SQLITE_PATH = created.sqlitePath;
        // The seeding checkpointed its WAL into the file, so the file alone is the whole store.
        if (from?.sqlitePath) copyFileSync(from.sqlitePath, created.sqlitePath);
      } else if (store === 'postgres') {
        const name = uniqueDatabaseName(`gtd_growth_${runId}_${slug}`);
        // A copy is CREATE DATABASE … TEMPLATE: a file-level copy, seconds for a million rows.
        await onAdmin(
          `CREATE DATABASE ${name}${from?.databaseUrl ? ` TEMPLATE ${databaseName(from.databaseUrl)}` : ''}`,
        );
        const drop = async () => {
          await onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          undropped.delete(drop);
        };
        undropped.add(drop);
        created.databaseUrl = databaseUrl(PG_ADMIN_URL, name);
        created.env.DATABASE_URL = created.databaseUrl;
        created.drop = drop;
      }
      return created;
    },
    start: (store) =>
      startServer({
        label: `growth-${store.store}`,
        script: join(root, 'dist/apps/api/main.js'),
        cwd: root,
        // As lib/targets.mjs starts the bench's store rows: one worker, Express (the default), no rate
        // limits (the load comes from one address), production mode.
        env: {
          WORKERS: '1',
          CATALOG: catalogPath,
          WEB_ROOT: storefront,
          MAX_QUANTITY_PER_PURCHASE: '10',
          SHUTDOWN_TIMEOUT_MS: '3000',
          BUY_RATE_LIMIT: '0',
          AUTH_RATE_LIMIT: '0',
          AUTH_EMAIL_RATE_LIMIT: '0',
          NODE_ENV: 'production',
          ...store.env,
        },
        pin: pinned && taskset ? { taskset, cpus: '0' } : undefined,
      }),
  };
}
