import { Global, Module } from '@nestjs/common';
import { TicketSigner } from './ticket-signer';
import { TicketsController } from './tickets.controller';
import { ConfigurableTicketsModule } from './tickets.options';
import { TicketsService } from './tickets.service';

/**
 * Tickets that admit once: each confirmed order's signed ticket, the public keys, and the service
 * the operator's check-in uses. Global (register once with `forRoot`) so the operator feature
 * injects the service. Needs InventoryModule registered at the root.
 */
@Global()
@Module({
  controllers: [TicketsController],
  providers: [TicketSigner, TicketsService],
  exports: [TicketsService],
})
export class TicketsModule extends ConfigurableTicketsModule {}
