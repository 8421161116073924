// Starting, watching and stopping the servers under test, with the harness the e2e specs use
// (@gtd/testing): the scrubbed environment, a free port, the wait for GET /health. Each server runs
// in its own process group so a Ctrl-C reaches the bench (which then stops them in order) and a stuck
// server can be killed with its cluster workers without touching anything the bench did not start.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import testing from './testing.mjs';

const { allProcesses, ApiStartError, processGroup, procStat, startApi, stopAllApis } = testing;

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
  const members = allProcesses().filter((p) => p.pgrp === pgid);
  if (members.length === 0) return undefined;
  return members.reduce((ticks, p) => ticks + p.utime + p.stime, 0) / CLK_TCK;
}

/**
 * CPU time (user + system, seconds) used so far by the given processes (e.g. nginx's master and
 * workers, which share the bench's own process group); those gone are not counted.
 * @param {number[]} pids
 */
export function pidsCpuSeconds(pids) {
  const ticks = pids.map((pid) => procStat(pid)).reduce((sum, p) => sum + (p ? p.utime + p.stime : 0), 0);
  return ticks / CLK_TCK;
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

/** Number of live processes in a process group (server + workers). */
export const groupSize = (/** @type {number} */ pgid) => processGroup(pgid).length;

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

/**
 * Starts a Node script as a server and waits until GET /health answers 200.
 * @param {object} spec
 * @param {string} spec.label
 * @param {string} spec.script
 * @param {string} spec.cwd
 * @param {Record<string, string>} spec.env  added to the scrubbed copy of this process's environment
 * @param {{ taskset: string, cpus: string }} [spec.pin]
 * @returns {Promise<RunningServer>}
 */
export async function startServer({ label, script, cwd, env, pin }) {
  let api;
  try {
    api = await startApi({
      label,
      script,
      cwd,
      env,
      wrapper: pin ? [pin.taskset, '-c', pin.cpus] : undefined,
      detached: true,
      outputLimit: OUTPUT_KEPT,
      startTimeoutMs: START_TIMEOUT_MS,
      exitTimeoutMs: STOP_TIMEOUT_MS,
    });
  } catch (error) {
    throw error instanceof ApiStartError ? new StartError(error) : error;
  }
  const running = api;
  return {
    label,
    pid: running.pid,
    port: running.port,
    url: running.baseUrl,
    exited: running.exited,
    alive: running.alive,
    output: running.output,
    stop: async () => {
      // A server that hangs on SIGTERM is killed with its group; say so, but carry on.
      await running.stop().catch((/** @type {Error} */ error) => {
        process.stdout.write(`  ${error.message.split('\n')[0]}\n`);
      });
    },
  };
}

/** Stops every server still running (used on errors and Ctrl-C). */
export async function stopAllServers() {
  for (const failure of await stopAllApis()) process.stdout.write(`  ${failure}\n`);
}

/** A server that exited (or never answered /health) during start-up. */
export class StartError extends Error {
  /** @param {InstanceType<typeof ApiStartError>} cause */
  constructor(cause) {
    super(cause.summary);
    this.name = 'StartError';
    this.output = cause.output;
    this.moduleNotFound = /Cannot find module|MODULE_NOT_FOUND/.test(cause.output);
    /** The one line that says why, e.g. "Cannot start: Invalid configuration: …". */
    this.reason = summarizeOutput(cause.output);
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

/**
 * Resident memory (KiB, VmRSS of /proc/<pid>/status) of a process group added up: the server and
 * its cluster workers. Undefined where /proc is not readable or the group is gone.
 * @param {number} pgid
 */
export function groupRssKiB(pgid) {
  let total = 0;
  let found = false;
  for (const { pid } of processGroup(pgid)) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) {
        total += Number(match[1]);
        found = true;
      }
    } catch {
      // exited between the listing and the read
    }
  }
  return found ? total : undefined;
}
