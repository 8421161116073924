// PostgreSQL's share of a row: the CPU time of the backends serving one database. The server's own
// CPU leaves it out (PostgreSQL runs in its own processes), and on a shared machine CPU per
// request is steadier than req/s, which moves with whatever else runs.
//
// Which backends serve the database is only known by asking PostgreSQL (async), while the window
// opens in a synchronous callback; so every backend's CPU is read when it opens, and the
// database's backends are picked out after the run (the server's pool keeps them open for 10 s).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import testing from '../testing.mjs';

const { allProcesses, procStat } = testing;
const require = createRequire(import.meta.url);

const CLK_TCK = (() => {
  const value = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isInteger(value) && value > 0 ? value : 100;
})();

/**
 * @template T
 * @param {string} url @param {(client: any) => Promise<T>} use
 * @returns {Promise<T>}
 */
async function onDatabase(url, use) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The postmaster's pid (the parent of every backend), or undefined when it runs elsewhere. @param {string} url */
export function postmasterPid(url) {
  // Read while the connection is open: its backend exits once the client ends.
  return onDatabase(url, async (client) => {
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
    return procStat(Number(rows[0].pid))?.ppid;
  });
}

/** CPU ticks so far of every child of the postmaster. @param {number | undefined} postmaster */
export function backendTicks(postmaster) {
  /** @type {Map<number, number>} */
  const ticks = new Map();
  if (postmaster === undefined) return ticks;
  for (const p of allProcesses()) if (p.ppid === postmaster) ticks.set(p.pid, p.utime + p.stime);
  return ticks;
}

/**
 * CPU seconds the backends of the database of `url` used between two `backendTicks` readings
 * (a backend that started in between counts from zero).
 * @param {string} url @param {Map<number, number>} start @param {Map<number, number>} end
 */
export async function databaseCpuSeconds(url, start, end) {
  const pids = await onDatabase(url, async (client) =>
    (
      await client.query(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      )
    ).rows.map((/** @type {{ pid: number }} */ r) => r.pid),
  );
  let ticks = 0;
  for (const pid of pids) ticks += (end.get(pid) ?? 0) - (start.get(pid) ?? 0);
  return ticks / CLK_TCK;
}
