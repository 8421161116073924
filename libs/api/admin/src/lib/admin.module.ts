import { Module } from '@nestjs/common';
import { HealthReportModule } from '@gtd/api-operations';
import { AdminTokenGuard } from './admin-token.guard';
import { AdminCheckInController } from './admin-check-in.controller';
import { AdminController } from './admin.controller';
import { AdminOrdersController } from './admin-orders.controller';
import { AdminQueueController } from './admin-queue.controller';
import { ConfigurableAdminModule } from './admin.options';
import { AuditLog } from './audit-log';
import { DropAdministration } from './drop-administration';
import { OrderAdministration } from './order-administration';
import { QueueAdministration } from './queue-administration';
import { SummaryFeed } from './summary-feed';

/**
 * The operator API under `/admin` (bearer ADMIN_TOKEN; disabled without one). Needs InventoryModule
 * registered at the root (drops, orders and the audit log live in the store), and the waiting room's
 * and the tickets' modules, whose operator routes these are.
 */
@Module({
  imports: [HealthReportModule],
  controllers: [AdminController, AdminOrdersController, AdminQueueController, AdminCheckInController],
  providers: [
    AdminTokenGuard,
    AuditLog,
    DropAdministration,
    OrderAdministration,
    QueueAdministration,
    SummaryFeed,
  ],
})
export class AdminModule extends ConfigurableAdminModule {}
