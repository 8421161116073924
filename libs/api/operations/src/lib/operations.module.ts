import { Module } from '@nestjs/common';
import { DropMetrics } from './drop-metrics';
import { HealthController } from './health.controller';
import { HealthReportModule } from './health-report';
import { MetricsController } from './metrics.controller';
import { ConfigurableOperationsModule } from './operations.options';
import { QueueMetrics } from './queue-metrics';

/**
 * Readiness for load balancers and orchestrators, and Prometheus metrics. Needs the app's
 * ObservabilityModule (the metrics registry), InventoryModule and QueueModule (the waiting room's
 * figures).
 */
@Module({
  imports: [HealthReportModule],
  controllers: [HealthController, MetricsController],
  providers: [DropMetrics, QueueMetrics],
})
export class OperationsModule extends ConfigurableOperationsModule {}
