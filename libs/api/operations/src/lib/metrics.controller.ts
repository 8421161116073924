import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems, METRICS_CONTENT_TYPE, MetricsRegistry } from '@gtd/api-platform';
import { MetricsTokenGuard } from './metrics-token.guard';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @UseGuards(MetricsTokenGuard)
  @ApiBearerAuth('metrics')
  @ApiProblems(ErrorCode.Unauthorized)
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics of this process',
    description:
      'Purchases by outcome (`gtd_purchases_total`), units sold and available by product, request latency by method, route template and status (`gtd_http_request_duration_seconds`), dependency health, the persister backlog (STORE=redis), the poll interval factor and Node.js process metrics. With WORKERS > 1 each scrape reaches one worker; its series carry a `pid` label.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4.',
    headers: { 'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-store'] } } },
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example:
          '# HELP gtd_purchases_total Purchase attempts the store decided, by outcome…\n# TYPE gtd_purchases_total counter\ngtd_purchases_total{outcome="sold"} 500\ngtd_purchases_total{outcome="SOLD_OUT"} 1500\n',
      },
    },
  })
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}
