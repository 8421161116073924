import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult } from '@nestjs/terminus';
import { ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems } from '@gtd/api-platform';
import { HealthReport } from '@gtd/api-operations';
import { OperatorApi } from './admin-token.guard';

/** The detailed readiness answer; the public `GET /health` says only up or down. */
@OperatorApi()
@Controller('admin/health')
export class AdminHealthController {
  constructor(private readonly report: HealthReport) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness with the details: pid, store kind, each dependency’s figures and errors',
    description:
      'instance (pid, store), then one entry per dependency: sqlite (path, queued purchases), postgres (pool), redis, ' +
      'and with STORE=redis the persister and its backlog of orders not yet in PostgreSQL. 503 names each failure with its error.',
  })
  @ApiOkResponse({ description: 'Every dependency answered.' })
  @ApiProblems(ErrorCode.ServiceUnavailable)
  check(): Promise<HealthCheckResult> {
    return this.report.check('operator');
  }
}
