import { Logger } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import cluster from 'node:cluster';
import { join } from 'node:path';
import { formatReconcileReport, reconcileRedis } from '@gtd/api-inventory';
import {
  ApiEnvironment,
  createHttpApp,
  createRootLogger,
  installGracefulShutdown,
  nestLoggerOver,
  setupOpenApi,
  superviseWorkers,
  trustProxySetting,
  trustProxyWarning,
  validateEnvironment,
} from '@gtd/api-platform';
import { AppModule, inventoryOptions } from './app/app.module';

async function serve(env: ApiEnvironment): Promise<void> {
  const trustProxy = trustProxySetting(env.TRUST_PROXY);
  const app = await createHttpApp(
    AppModule.forRoot(env),
    env.HTTP_ADAPTER,
    env.WEB_ROOT ?? join(__dirname, '..', 'web', 'browser'),
    trustProxy,
  );
  // JSON lines through nestjs-pino from here on, including what the modules logged while starting.
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  setupOpenApi(app, {
    version: process.env['npm_package_version'] ?? '1.0.0',
    maxQuantityPerPurchase: env.MAX_QUANTITY_PER_PURCHASE,
    metricsTokenSet: env.METRICS_TOKEN !== undefined,
  });
  installGracefulShutdown(app, env.SHUTDOWN_TIMEOUT_MS);
  // Without a host Fastify would listen on localhost only; Node's default (every interface) is wanted.
  const host = env.HOST ?? (env.HTTP_ADAPTER === 'fastify' ? '0.0.0.0' : undefined);
  if (host) await app.listen(env.PORT, host);
  else await app.listen(env.PORT);
  const shown = env.HOST && env.HOST !== '0.0.0.0' && env.HOST !== '::' ? env.HOST : 'localhost';
  const url = `http://${shown}:${(app.getHttpServer().address() as { port: number }).port}`;
  if (!cluster.isWorker || cluster.worker?.id === 1) {
    Logger.log(
      `Golden Ticket Drop on ${url} (store: ${env.STORE}, ${env.HTTP_ADAPTER}); API docs at ${url}/docs`,
      'Bootstrap',
    );
    const warning = trustProxyWarning(trustProxy);
    if (warning) Logger.warn(warning, 'Bootstrap');
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
  if (env.WORKERS > 1 && cluster.isPrimary) {
    // The supervisor's lines (workers started, replaced, stopped) in the same JSON format as theirs.
    Logger.overrideLogger(nestLoggerOver(createRootLogger(env.LOG_LEVEL)));
    return superviseWorkers(env.WORKERS);
  }
  return serve(env);
}

main().catch((error: unknown) => {
  // Start-up problems (configuration, catalogue, store) are reported as one readable line.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
