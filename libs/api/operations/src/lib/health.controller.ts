import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult } from '@nestjs/terminus';
import { ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems } from '@gtd/api-platform';
import { HealthReport } from './health-report';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly report: HealthReport) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Ready when every dependency of the store answers',
    description:
      'Public: only up or down per dependency (sqlite, postgres, redis and, with STORE=redis, the persister) and the overall status. ' +
      'The details (pid, file path, pool, backlog, errors) are for operators: GET /admin/health.',
  })
  @ApiOkResponse({ description: 'Every dependency answered.' })
  @ApiProblems(ErrorCode.ServiceUnavailable)
  check(): Promise<HealthCheckResult> {
    return this.report.check('public');
  }
}
