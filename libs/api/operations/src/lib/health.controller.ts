import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ErrorCode } from '@gtd/shared-contracts';
import { InventoryService } from '@gtd/api-inventory';
import { ApiProblems, DomainError } from '@gtd/api-platform';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly inventory: InventoryService,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Ready when the store answers' })
  @ApiOkResponse({ description: 'Every dependency answered.' })
  @ApiProblems(ErrorCode.ServiceUnavailable)
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.storeAnswers()]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          `Not ready: ${JSON.stringify(error.getResponse())}`,
        );
      }
      throw error;
    }
  }

  private async storeAnswers() {
    const indicator = this.indicators.check('store');
    try {
      await this.inventory.ping();
      return indicator.up({ adapter: this.inventory.storeKind });
    } catch (error) {
      return indicator.down({
        adapter: this.inventory.storeKind,
        message: (error as Error).message,
      });
    }
  }
}
