// PostgreSQL's share of a row: the CPU time of the backends serving one database. The server's own
// CPU leaves it out (PostgreSQL runs in its own processes), and on a shared machine CPU per
// request is steadier than req/s, which moves with whatever else runs.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import testing from '../testing.mjs';

const { procStat } = testing;
const require = createRequire(import.meta.url);

const CLK_TCK = (() => {
  const value = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isInteger(value) && value > 0 ? value : 100;
})();

/**
 * The backend pids connected to the database of `url` right now (the server's pool, once warm).
 * @param {string} url
 * @returns {Promise<number[]>}
 */
export async function backendPids(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((/** @type {{ pid: number }} */ r) => r.pid);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** CPU seconds (user + system) these processes used so far; a pid that is gone counts 0. @param {number[]} pids */
export function cpuSecondsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat) ticks += stat.utime + stat.stime;
  }
  return ticks / CLK_TCK;
}
