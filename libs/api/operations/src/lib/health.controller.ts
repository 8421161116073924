import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import { HealthReport, HealthRoute } from './health-report';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly report: HealthReport) {}

  @HealthRoute('public')
  check(): Promise<HealthCheckResult> {
    return this.report.check('public');
  }
}
