import { Module } from '@nestjs/common';
import { DropMetrics } from './drop-metrics';
import { HealthController } from './health.controller';
import { HealthReportModule } from './health-report';
import { MetricsController } from './metrics.controller';
import { ConfigurableOperationsModule } from './operations.options';

/**
 * Readiness for load balancers and orchestrators, and Prometheus metrics. Needs the app's
 * ObservabilityModule (the metrics registry) and InventoryModule.
 */
@Module({
  imports: [HealthReportModule],
  controllers: [HealthController, MetricsController],
  providers: [DropMetrics],
})
export class OperationsModule extends ConfigurableOperationsModule {}
