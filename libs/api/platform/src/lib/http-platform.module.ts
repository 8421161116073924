import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, HttpAdapterHost } from '@nestjs/core';
import { JsonBodyMiddleware } from './json-body';
import { ProblemDetailsFilter } from './problem.filter';
import { ContractValidationPipe } from './validation';

/**
 * The HTTP conventions every route shares: JSON bodies only, one error shape, DTO validation.
 * Registered as app-level providers so the testing module and the real server behave the same.
 */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useClass: ContractValidationPipe },
  ],
})
export class HttpPlatformModule implements NestModule {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  configure(consumer: MiddlewareConsumer): void {
    // On Fastify the same rules live in its content-type parser (fastify-body.ts): a Nest
    // middleware would read the body stream before Fastify could.
    if (this.adapterHost.httpAdapter?.getType() !== 'express') return;
    consumer.apply(JsonBodyMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
