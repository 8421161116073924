import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { StaticBearerSecret } from '@gtd/api-platform';
import { OPERATIONS_OPTIONS, OperationsModuleOptions } from './operations.options';

/** `GET /metrics` exposes sales figures: with METRICS_TOKEN set, only the scraper holding it gets them. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly secret: StaticBearerSecret | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(OPERATIONS_OPTIONS) options?: OperationsModuleOptions,
  ) {
    this.secret = options?.metricsToken ? new StaticBearerSecret(options.metricsToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.secret) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    this.secret.assert(request.headers['authorization'], http.getResponse(), this.adapterHost, {
      missing: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.',
      wrong: 'The metrics token is wrong.',
    });
    return true;
  }
}
