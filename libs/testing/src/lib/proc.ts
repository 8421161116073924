import { readdirSync, readFileSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` the harnesses use (Linux only). */
export interface ProcStat {
  pid: number;
  /** One letter: R running, S sleeping, Z zombie, … */
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** CPU time in clock ticks (USER_HZ), user and system. */
  utime: number;
  stime: number;
}

/** Parses one `/proc/<pid>/stat` line; undefined when it is not one. */
export function parseProcStat(line: string): ProcStat | undefined {
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
  const close = line.lastIndexOf(')');
  const pid = Number.parseInt(line, 10);
  if (close < 0 || !Number.isInteger(pid)) return undefined;
  const fields = line.slice(close + 2).split(' ');
  if (fields.length < 13) return undefined;
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    utime: Number(fields[11]),
    stime: Number(fields[12]),
  };
}

/** `/proc/<pid>/stat`, or undefined when the process is gone (or there is no /proc). */
export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process visible in /proc right now; empty without /proc. */
export function allProcesses(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) found.push(stat);
  }
  return found;
}

/** The live members (no zombies) of a process group, e.g. a detached server and its cluster workers. */
export function processGroup(pgid: number): ProcStat[] {
  return allProcesses().filter((p) => p.pgrp === pgid && p.state !== 'Z');
}

/** The direct children of `pid` (e.g. the node:cluster workers of a primary), ascending. */
export function childPids(pid: number): number[] {
  return allProcesses()
    .filter((p) => p.ppid === pid)
    .map((p) => p.pid)
    .sort((a, b) => a - b);
}

/** Every process below `pid`, children before grandchildren. */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of childPids(next)) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/**
 * Sends `signal` to `pid` (a negative pid: its process group), ignoring one that is already gone.
 * 0, 1 and -1 (this group, init, every process) are never signalled.
 */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  if (!Number.isInteger(pid) || Math.abs(pid) <= 1) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The command line of `pid`, one entry per argument; empty when it is gone. */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
