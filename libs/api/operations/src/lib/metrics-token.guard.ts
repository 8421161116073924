import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { StaticBearerSecret } from '@gtd/api-platform';
import { OPERATIONS_OPTIONS, OperationsModuleOptions } from './operations.options';

/** `GET /metrics` exposes sales figures: with METRICS_TOKEN set, only the scraper holding it gets them. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly secret: StaticBearerSecret | undefined;

  constructor(@Optional() @Inject(OPERATIONS_OPTIONS) options?: OperationsModuleOptions) {
    this.secret = options?.metricsToken
      ? new StaticBearerSecret(options.metricsToken, {
          missing: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.',
          wrong: 'The metrics token is wrong.',
        })
      : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    return this.secret?.authorize(context) ?? true;
  }
}
