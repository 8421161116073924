import { DynamicModule, Global, Module, NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { LoadShedder } from './load-shedding';
import { createRootLogger, ROOT_LOGGER, RootLogger } from './logging';
import { MetricsRegistry } from './metrics';
import { RequestObserver } from './request-observer';

export interface ObservabilityOptions {
  /** pino level: `info` logs failures and writes, `debug` adds successful reads. */
  LOG_LEVEL: string;
  /** Where the JSON lines go; stdout unless a test captures them. */
  destination?: Parameters<typeof createRootLogger>[1];
}

/**
 * Logs, request ids and the metrics registry, for the whole app (global). nestjs-pino is Nest's
 * logger (`app.useLogger(app.get(Logger))` in main.ts, `@InjectPinoLogger` for features) over
 * the same root pino logger as the request lines; its per-request middleware is left out
 * (`forRoutes: []`) because RequestObserver does that job for a fraction of the cost.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const root: RootLogger = createRootLogger(options.LOG_LEVEL, options.destination);
    return {
      module: ObservabilityModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: root }, useExisting: true, forRoutes: [] })],
      providers: [{ provide: ROOT_LOGGER, useValue: root }, MetricsRegistry, RequestObserver, LoadShedder],
      exports: [ROOT_LOGGER, MetricsRegistry, RequestObserver, LoadShedder, LoggerModule],
    };
  }

  constructor(
    private readonly observer: RequestObserver,
    private readonly shedder: LoadShedder,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  // Called while Nest registers middleware, before any route: the hooks run first on every request,
  // the observer before the shedder so a refused request is still named, timed and counted.
  configure(): void {
    this.observer.install(this.adapterHost.httpAdapter);
    this.shedder.install(this.adapterHost.httpAdapter);
  }
}
