import { Controller, Get, ServiceUnavailableException, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { ErrorCode } from '@gtd/shared-contracts';
import { DependencyHealth, StoreHealth } from '@gtd/api-inventory';
import { ApiProblems, DomainError } from '@gtd/api-platform';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(StoreHealth) private readonly store: StoreHealth,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Ready when every dependency of the store answers',
    description:
      'One entry per dependency (sqlite, postgres, redis) and, with STORE=redis, the persister and its backlog of orders not yet in PostgreSQL.',
  })
  @ApiOkResponse({ description: 'Every dependency answered.' })
  @ApiProblems(ErrorCode.ServiceUnavailable)
  async check(): Promise<HealthCheckResult> {
    const dependencies = await this.store.checkHealth();
    try {
      return await this.health.check([
        () => this.indicators.check('instance').up({ pid: process.pid, store: this.store.kind }),
        ...dependencies.map((dependency) => () => this.toIndicator(dependency)),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const down = dependencies.filter((d) => !d.up);
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          `Not ready: ${down.map((d) => `${d.name} (${String(d.details?.['error'] ?? 'down')})`).join(', ')}`,
        );
      }
      throw error;
    }
  }

  private toIndicator({ name, up, details }: DependencyHealth): HealthIndicatorResult {
    const indicator = this.indicators.check(name);
    return up ? indicator.up(details) : indicator.down(details);
  }
}
