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
 * The primary process of `WORKERS=N`: forks N API workers sharing one port (node:cluster hands
 * connections out round-robin), replaces a worker that dies, and on SIGTERM/SIGINT asks every
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

  logger.log(`Starting ${count} API workers`);
  for (let i = 0; i < count; i++) fork();
}
