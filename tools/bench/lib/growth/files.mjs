// Open-file limits for the subscriber row: 10,000 streams are 10,000 sockets in the load generator
// and as many in the server, which inherits this process's limit when it is spawned.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** @returns {{ soft: number, hard: number } | undefined} this process's RLIMIT_NOFILE */
export function fileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    if (!line) return undefined;
    const [soft, hard] = line
      .replace('Max open files', '')
      .trim()
      .split(/\s+/)
      .map((v) => (v === 'unlimited' ? Infinity : Number(v)));
    return { soft, hard };
  } catch {
    return undefined;
  }
}

/**
 * Makes sure this process (and the servers it spawns from now on) may open `needed` files, raising
 * the soft limit up to the hard one with prlimit(1) (Node has no setrlimit). Returns how many
 * files may be opened, so the caller can say when it had to open fewer.
 * @param {number} needed
 */
export function ensureFileLimit(needed) {
  const limit = fileLimit();
  if (!limit) return needed;
  if (limit.soft >= needed) return limit.soft;
  const target = Math.min(limit.hard, Math.max(needed, limit.soft));
  const hard = limit.hard === Infinity ? 'unlimited' : String(limit.hard);
  const result = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${hard}`], {
    encoding: 'utf8',
  });
  if (result.status !== 0) return limit.soft;
  return fileLimit()?.soft ?? limit.soft;
}
