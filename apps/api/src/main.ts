import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cluster from 'node:cluster';
import { join } from 'node:path';
import { formatReconcileReport, reconcileRedis } from '@gtd/api-inventory';
import {
  ApiEnvironment,
  installGracefulShutdown,
  serveStorefront,
  setupOpenApi,
  superviseWorkers,
  validateEnvironment,
} from '@gtd/api-platform';
import { AppModule, inventoryOptions } from './app/app.module';

async function serve(env: ApiEnvironment): Promise<void> {
  // abortOnError: false — a bad catalogue or store must exit with its message, not abort().
  // logger: false while the modules start — a failed start-up is reported once, by the catch
  // below, instead of also as Nest's stack trace.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bodyParser: false,
    abortOnError: false,
    logger: false,
  });
  app.useLogger(new ConsoleLogger());
  app.disable('x-powered-by');
  // Express would hash every JSON body for a weak ETag no client of ours uses; skip that per-request cost.
  app.set('etag', false);
  serveStorefront(app, env.WEB_ROOT ?? join(__dirname, '..', 'web', 'browser'));
  setupOpenApi(app, process.env['npm_package_version'] ?? '1.0.0');
  installGracefulShutdown(app, env.SHUTDOWN_TIMEOUT_MS);
  if (env.HOST) await app.listen(env.PORT, env.HOST);
  else await app.listen(env.PORT);
  const shown = env.HOST && env.HOST !== '0.0.0.0' && env.HOST !== '::' ? env.HOST : 'localhost';
  const url = `http://${shown}:${(app.getHttpServer().address() as { port: number }).port}`;
  if (!cluster.isWorker || cluster.worker?.id === 1) {
    Logger.log(`Golden Ticket Drop on ${url} (store: ${env.STORE}); API docs at ${url}/docs`, 'Bootstrap');
  }
}

async function reconcile(env: ApiEnvironment, repair: boolean): Promise<void> {
  const rows = await reconcileRedis(inventoryOptions(env), repair);
  console.log(formatReconcileReport(rows));
  process.exitCode = rows.every((r) => r.agree) ? 0 : 2;
}

async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
  const [command, ...flags] = process.argv.slice(2);
  if (command === 'reconcile') return reconcile(env, flags.includes('--repair'));
  if (command !== undefined) throw new Error(`Unknown command "${command}" (known: reconcile [--repair])`);
  if (env.WORKERS > 1 && cluster.isPrimary) return superviseWorkers(env.WORKERS);
  return serve(env);
}

main().catch((error: unknown) => {
  // Start-up problems (configuration, catalogue, store) are reported as one readable line.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
