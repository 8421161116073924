import {
  applyDecorators,
  Get,
  Inject,
  Injectable,
  Module,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiOperationOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';
import { ErrorCode } from '@gtd/shared-contracts';
import { DependencyHealth, StoreHealth } from '@gtd/api-inventory';
import { ApiProblems, DomainError } from '@gtd/api-platform';

/**
 * Who reads the answer. The public one (load balancers, anyone) gets up/down per dependency; the
 * operator's adds what would help an attacker map the host — the SQLite file's path, the pid, pool
 * and backlog figures, the dependencies' error messages.
 */
export type HealthAudience = 'public' | 'operator';

/** The readiness check behind `GET /health` and `GET /admin/health`: one check, two levels of detail. */
@Injectable()
export class HealthReport {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(StoreHealth) private readonly store: StoreHealth,
  ) {}

  /** The terminus result when every dependency answers; otherwise 503 SERVICE_UNAVAILABLE. */
  async check(audience: HealthAudience): Promise<HealthCheckResult> {
    const operator = audience === 'operator';
    const dependencies = await this.store.checkHealth();
    const instance = () => this.indicators.check('instance').up({ pid: process.pid, store: this.store.kind });
    try {
      return await this.health.check([
        ...(operator ? [instance] : []),
        ...dependencies.map((dependency) => () => this.toIndicator(dependency, operator)),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const down = dependencies.filter((d) => !d.up);
        const named = down.map((d) =>
          operator ? `${d.name} (${String(d.details?.['error'] ?? 'down')})` : d.name,
        );
        // The operator keeps every check's figures while something is down (a persister's backlog
        // during a PostgreSQL outage is exactly what they watch); the public answer only names.
        const details = operator ? (error.getResponse() as HealthCheckResult).details : undefined;
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          `Not ready: ${named.join(', ')}`,
          details ? { details } : {},
        );
      }
      throw error;
    }
  }

  private toIndicator({ name, up, details }: DependencyHealth, withDetails: boolean): HealthIndicatorResult {
    const indicator = this.indicators.check(name);
    const shown = withDetails ? details : undefined;
    return up ? indicator.up(shown) : indicator.down(shown);
  }
}

/** The health check for any module that answers it (operations, the operator API). Needs InventoryModule. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [HealthReport],
  exports: [HealthReport],
})
export class HealthReportModule {}

/** What each audience's route says in the OpenAPI document. */
const HEALTH_OPERATIONS: Record<HealthAudience, ApiOperationOptions> = {
  public: {
    summary: 'Ready when every dependency of the store answers',
    description:
      'Public: only up or down per dependency (sqlite, postgres, redis and, with STORE=redis, the persister) and the overall status. ' +
      'The details (pid, file path, pool, backlog, errors) are for operators: GET /admin/health.',
  },
  operator: {
    summary: 'Readiness with the details: pid, store kind, each dependency’s figures and errors',
    description:
      'instance (pid, store), then one entry per dependency: sqlite (path, queued purchases), postgres (pool), redis, ' +
      'and with STORE=redis the persister and its backlog of orders not yet in PostgreSQL. 503 names each failure with its error.',
  },
};

/** The 200 body (terminus's): every dependency is up, so `error` is empty and `details` repeats `info`. */
function healthBody(audience: HealthAudience): SchemaObject {
  const entry: SchemaObject = {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up'] } },
    // The public answer says up and nothing else; the operator's adds each dependency's figures.
    additionalProperties: audience === 'operator',
  };
  const entries: SchemaObject = {
    type: 'object',
    description:
      audience === 'public'
        ? 'One entry per dependency: sqlite, memory, postgres, redis, persister.'
        : 'instance (pid, store), then one entry per dependency with its figures.',
    additionalProperties: entry,
  };
  return {
    type: 'object',
    required: ['status', 'info', 'error', 'details'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['ok'] },
      info: entries,
      error: { type: 'object', maxProperties: 0, additionalProperties: false },
      details: entries,
    },
    example: {
      status: 'ok',
      info: { sqlite: { status: 'up' } },
      error: {},
      details: { sqlite: { status: 'up' } },
    },
  };
}

/**
 * A route answering HealthReport for `audience`: GET `path` (under its controller's), 200 when
 * every dependency answers, else 503 problem+json.
 */
export const HealthRoute = (audience: HealthAudience, path = ''): MethodDecorator =>
  applyDecorators(
    Get(path),
    HealthCheck({ swaggerDocumentation: false }),
    ApiOperation(HEALTH_OPERATIONS[audience]),
    ApiOkResponse({ description: 'Every dependency answered.', schema: healthBody(audience) }),
    ApiProblems(ErrorCode.ServiceUnavailable),
  );
