// Starting, watching and stopping the servers under test. Each runs in its own process group so a
// Ctrl-C reaches the bench (which then stops them in order) and a stuck server can be killed with
// its cluster workers without touching anything the bench did not start.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_KEPT = 64 * 1024;

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux unless told otherwise). */
const CLK_TCK = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(result.stdout?.trim());
  return Number.isInteger(value) && value > 0 ? value : 100;
})();

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @returns {Promise<number>} a port nobody listens on right now */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One request, no keep-alive; used for health checks and stock reads, never under load.
 * @param {string} url
 * @param {{ method?: string, body?: unknown, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, body: any, text: string }>}
 */
export function httpJson(url, { method = 'GET', body, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `taskset` on PATH, or undefined. */
export function findTaskset() {
  const result = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/**
 * Pins every thread of this process (the load generator) to the given CPUs.
 * @param {string} taskset @param {string} cpus
 */
export function pinSelf(taskset, cpus) {
  const result = spawnSync(taskset, ['-a', '-p', '-c', cpus, String(process.pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset -a -p -c ${cpus} failed: ${result.stderr.trim()}`);
}

/**
 * CPU time (user + system, seconds) used so far by every process of a process group: the server
 * and its cluster workers. Undefined where /proc is not readable.
 * @param {number} pgid
 */
export function groupCpuSeconds(pgid) {
  let ticks = 0;
  let found = false;
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    found = true;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return found ? ticks / CLK_TCK : undefined;
}

/**
 * Busy CPU time (seconds) of the whole machine so far, every core added up; undefined without /proc.
 */
export function machineBusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Number of live processes in a process group (server + workers), or undefined without /proc. */
export function groupSize(/** @type {number} */ pgid) {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let count = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

/**
 * @typedef {object} RunningServer
 * @property {string} label
 * @property {number} pid  also the process group id
 * @property {number} port
 * @property {string} url
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {() => boolean} alive
 * @property {() => string} output  the last lines it printed
 * @property {() => Promise<void>} stop  SIGTERM, then SIGKILL to its group if it hangs
 */

/** @type {Set<RunningServer>} */
const live = new Set();

/**
 * Starts a Node script as a server and waits until GET /health answers 200.
 * @param {object} spec
 * @param {string} spec.label
 * @param {string} spec.script
 * @param {string} spec.cwd
 * @param {Record<string, string>} spec.env  added to a copy of this process's environment
 * @param {string[]} spec.scrub  variables removed from that copy first
 * @param {{ taskset: string, cpus: string }} [spec.pin]
 * @returns {Promise<RunningServer>}
 */
export async function startServer({ label, script, cwd, env, scrub, pin }) {
  const port = await freePort();
  /** @type {Record<string, string | undefined>} */
  const childEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of scrub) delete childEnv[name];
  Object.assign(childEnv, env, { PORT: String(port), HOST: '127.0.0.1' });
  const [command, args] = pin
    ? [pin.taskset, ['-c', pin.cpus, process.execPath, script]]
    : [process.execPath, [script]];
  const child = spawn(command, args, {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (/** @type {string} */ chunk) => {
    output = (output + chunk).slice(-OUTPUT_KEPT);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exitStatus;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
    child.once('error', (error) => {
      keep(`\n${error.message}\n`);
      exitStatus = { code: -1, signal: null };
      resolve(exitStatus);
    });
  });
  const pid = /** @type {number} */ (child.pid);
  const url = `http://127.0.0.1:${port}`;

  /** @type {RunningServer} */
  const server = {
    label,
    pid,
    port,
    url,
    exited,
    alive: () => exitStatus === undefined,
    output: () => output,
    stop: async () => {
      if (exitStatus === undefined) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = sleep(STOP_TIMEOUT_MS).then(() => 'timeout');
        if ((await Promise.race([exited, timer])) === 'timeout') killGroup(pid);
        await exited;
      }
      // Cluster workers of a dead primary must not outlive the bench.
      if ((groupSize(pid) ?? 0) > 0) {
        await sleep(2000);
        if ((groupSize(pid) ?? 0) > 0) killGroup(pid);
      }
      live.delete(server);
    },
  };
  live.add(server);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitStatus !== undefined) {
      live.delete(server);
      throw new StartError(label, exitStatus, output);
    }
    try {
      const health = await httpJson(`${url}/health`, { timeoutMs: 2000 });
      if (health.status === 200) return server;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  await server.stop();
  throw new StartError(label, undefined, output);
}

/** @param {number} pgid */
function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Stops every server still running (used on errors and Ctrl-C). */
export async function stopAllServers() {
  await Promise.all([...live].map((server) => server.stop()));
}

/** A server that exited (or never answered /health) during start-up. */
export class StartError extends Error {
  /**
   * @param {string} label
   * @param {{ code: number | null, signal: NodeJS.Signals | null } | undefined} status
   * @param {string} output
   */
  constructor(label, status, output) {
    const how = status
      ? `exited at start-up (${status.signal ?? `code ${status.code}`})`
      : `did not answer GET /health within ${START_TIMEOUT_MS / 1000} s`;
    super(`${label} ${how}`);
    this.name = 'StartError';
    this.output = output;
    this.moduleNotFound = /Cannot find module|MODULE_NOT_FOUND/.test(output);
    /** The one line that says why, e.g. "Cannot start: Invalid configuration: …". */
    this.reason = summarizeOutput(output);
  }
}

/** @param {string} output */
export function summarizeOutput(output) {
  const lines = output
    .split('\n')
    // eslint-disable-next-line no-control-regex
    .map((line) => line.replace(/\u001b\[[0-9;]*m/g, '').trim())
    .filter(Boolean);
  const telling = lines.find((line) => /Cannot start|Error|error|Invalid|not supported|must be/.test(line));
  const chosen = telling ?? lines.at(-1) ?? '(no output)';
  // The line after "Invalid configuration:" names the variable.
  const index = lines.indexOf(chosen);
  const next = /:\s*$/.test(chosen) && lines[index + 1] ? ` ${lines[index + 1]}` : '';
  return (chosen + next).slice(0, 300);
}

/**
 * Waits until the server's process group is nearly idle (deferred work such as a persister or a
 * WAL checkpoint finished), so the next row does not pay for this one.
 * @param {RunningServer} server
 * @param {number} [maxMs]
 * @returns {Promise<number>} milliseconds waited
 */
export async function settle(server, maxMs = 15_000) {
  const started = Date.now();
  const windowMs = 250;
  while (Date.now() - started < maxMs) {
    const before = groupCpuSeconds(server.pid);
    await sleep(windowMs);
    const after = groupCpuSeconds(server.pid);
    if (before === undefined || after === undefined) return Date.now() - started;
    if ((after - before) / (windowMs / 1000) < 0.1) return Date.now() - started;
  }
  return Date.now() - started;
}
