import { Logger } from '@nestjs/common';
import cluster, { Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';

/**
 * What the primary adds to every worker's environment. Without a configured JWT_SECRET each
 * process would draw its own random one, and a buyer's token would only work on the worker that
 * issued it; the primary draws ONE and hands it to all of them (replacements included).
 */
export function workerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return env['JWT_SECRET'] ? {} : { JWT_SECRET: randomBytes(48).toString('base64url') };
}

/**
 * How the workers share the port: `SCHED_NONE`, each worker accepting on the shared socket itself,
 * instead of node:cluster's default round-robin (`SCHED_RR`), where the primary accepts every
 * connection and passes it to a worker over IPC. A connection handed to a worker that is being
 * SIGKILLed is lost in that hand-off, yet the primary keeps the client's socket open: the buyer
 * waits, unanswered, until its own timeout (300 s in the report of issue 11). Measured on Linux
 * (2 cores, WORKERS=2, 50 clients opening a new connection per request, a worker SIGKILLed 3 times
 * per run, 5 runs per policy): SCHED_RR left 15 requests hung past 10 s (3 in every run, one per
 * kill), SCHED_NONE none. Balance over 5 s without kills (busiest worker's share of the answers,
 * ideal 0.5 / 0.25): WORKERS=2 RR 0.51–0.53, NONE 0.51–0.60; WORKERS=4 RR 0.26–0.29, NONE
 * 0.27–0.31; throughput equal within the noise of a shared machine. With SCHED_NONE the workers
 * share one accept queue: a dying worker's accepted connections are reset by the kernel (the client
 * sees ECONNRESET at once and may retry), the queued ones are accepted by the others. An explicit
 * NODE_CLUSTER_SCHED_POLICY (`rr` / `none`) still wins, as Node documents.
 */
export function useKernelScheduling(env: NodeJS.ProcessEnv = process.env): void {
  if (env['NODE_CLUSTER_SCHED_POLICY'] === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
}

/**
 * The primary process of `WORKERS=N`: forks N API workers sharing one port (each accepting its
 * own connections, see `useKernelScheduling`), replaces a worker that dies, and on SIGTERM/SIGINT asks every
 * worker to drain and exits 0 once all have. It gives up (exit 1) when no worker manages to start,
 * so a store that cannot be reached is reported instead of forked forever.
 */
export function superviseWorkers(count: number): void {
  const logger = new Logger('Workers');
  let stopping = false;
  let everListening = false;
  let failedStarts = 0;
  const listening = new WeakSet<Worker>();
  const sharedEnv = workerEnvironment(process.env);

  const fork = () => {
    const worker = cluster.fork(sharedEnv);
    worker.once('listening', () => {
      listening.add(worker);
      everListening = true;
      failedStarts = 0;
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const alive = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (alive === 0) process.exit(0);
      return;
    }
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (!listening.has(worker)) {
      failedStarts += 1;
      if (!everListening && failedStarts >= count) {
        logger.error(`No worker could start (last ${how}); giving up`);
        process.exit(1);
      }
    }
    logger.warn(`Worker ${worker.process.pid} ${how}; starting a replacement`);
    // A worker that died while starting is retried after a pause, not in a tight loop.
    setTimeout(fork, listening.has(worker) ? 0 : 1000).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  // Before the first fork: node:cluster fixes the policy then.
  useKernelScheduling();
  logger.log(`Starting ${count} API workers`);
  for (let i = 0; i < count; i++) fork();
}
