import { ApiRoutes } from '@gtd/shared-contracts';
import { RunningApi, trackPids } from './api-process';
import { StartOptions, startServer } from './drop-server';
import { Reply, send } from './http';
import { childPids, isAlive } from './proc';

/**
 * The operator token the e2e servers that need the detailed health (clusters, the Redis
 * persister's backlog) run with: the pid and the backlog are only in `GET /admin/health`.
 */
export const OPERATOR_TOKEN = 'e2e-health-operator-token-0123456789';

/** `GET /admin/health` as the API answers it (terminus: one entry per dependency under `details`). */
export interface Health {
  status: string;
  details: {
    instance?: { pid: number; store: string };
    persister?: { status: string; backlog?: number; error?: string };
    [name: string]: unknown;
  };
}

/**
 * One `GET /admin/health` with OPERATOR_TOKEN on a connection of its own (so the cluster may hand
 * it to any worker); the server must run with `ADMIN_TOKEN: OPERATOR_TOKEN`.
 */
export const health = (baseUrl: string, timeoutMs = 5000): Promise<Reply<Health>> =>
  send<Health>(baseUrl, {
    path: ApiRoutes.admin.health,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    timeoutMs,
  });

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** The pids that answered `calls` health checks, each on a fresh connection. */
export async function answeringPids(baseUrl: string, calls: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < calls; i++) {
    const reply = await health(baseUrl);
    const pid = reply.body?.details?.instance?.pid;
    if (reply.status === 200 && pid !== undefined) pids.add(pid);
  }
  return pids;
}

/**
 * Waits until the cluster primary has exactly `count` live workers and every one of them has
 * answered `/health` (so each is listening and ready); resolves with their pids, ascending.
 */
export async function waitForWorkers(
  primaryPid: number,
  baseUrl: string,
  count: number,
  timeoutMs = 20_000,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  const answered = new Set<number>();
  for (;;) {
    const workers = childPids(primaryPid).filter(isAlive);
    if (workers.length === count) {
      for (let i = 0; i < 4 * count && !workers.every((pid) => answered.has(pid)); i++) {
        const reply = await health(baseUrl);
        const pid = reply.body?.details?.instance?.pid;
        if (reply.status === 200 && pid !== undefined) answered.add(pid);
      }
      if (workers.every((pid) => answered.has(pid))) return workers;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `expected ${count} ready workers under pid ${primaryPid} within ${timeoutMs} ms; ` +
          `children ${JSON.stringify(workers)}, answered ${JSON.stringify([...answered])}`,
      );
    }
    await sleep(100);
  }
}

/** A `WORKERS=N` server whose workers all answered; `pid` is the primary's. */
export interface RunningCluster extends RunningApi {
  /** The workers' pids, ascending. */
  workers: number[];
}

/**
 * `startServer` with `WORKERS=workers` (and OPERATOR_TOKEN, unless `env` names another
 * ADMIN_TOKEN): resolves once every worker answers `/admin/health`. The
 * workers are tracked, so `cleanup()` ends them even when a spec killed their primary.
 */
export async function startCluster(options: StartOptions, workers: number): Promise<RunningCluster> {
  const env = { ADMIN_TOKEN: OPERATOR_TOKEN, ...options.env, WORKERS: String(workers) };
  const server = await startServer({ ...options, env });
  const pids = await waitForWorkers(server.pid, server.baseUrl, workers);
  trackPids(pids);
  return { ...server, workers: pids };
}
