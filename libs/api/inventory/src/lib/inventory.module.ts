import { Global, Module } from '@nestjs/common';
import { AuditStore } from './audit-store';
import { BuyerStore } from './buyer-store';
import { CLOCK, systemClock } from './clock';
import { BuyerOrders } from './buyer-orders';
import { CatalogueQueries } from './catalogue-queries';
import { openStores } from './create-store';
import { InventoryStore } from './inventory-store';
import { ConfigurableInventoryModule, INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';
import { ProductMapper } from './product-mapping';
import { PurchaseService } from './purchase.service';
import { QueueStore } from './queue-store';
import { TicketStore } from './ticket-store';
import { RejectionTally } from './rejection-tally';
import { StoreHealth, Stores } from './stores';

/** The opened store kind; Nest closes it at shutdown, after every `beforeApplicationShutdown`. */
const OPENED_STORES = Symbol('OpenedStores');

/**
 * Registers the configured store kind once for the whole app (`forRoot` / `forRootAsync`) and each
 * of its ports under its own token. Global so that the feature modules inject the use cases (and,
 * for accounts and the audit log, their ports, and the clock) without re-importing configuration.
 */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: OPENED_STORES,
      inject: [INVENTORY_OPTIONS],
      useFactory: async (options: InventoryModuleOptions) => {
        const stores = await openStores(options);
        return Object.assign(stores, { onApplicationShutdown: () => stores.close() });
      },
    },
    { provide: InventoryStore, inject: [OPENED_STORES], useFactory: (stores: Stores) => stores.inventory },
    { provide: AuditStore, inject: [OPENED_STORES], useFactory: (stores: Stores) => stores.audit },
    { provide: BuyerStore, inject: [OPENED_STORES], useFactory: (stores: Stores) => stores.buyers },
    { provide: QueueStore, inject: [OPENED_STORES], useFactory: (stores: Stores) => stores.queue },
    { provide: TicketStore, inject: [OPENED_STORES], useFactory: (stores: Stores) => stores.tickets },
    { provide: StoreHealth, useExisting: OPENED_STORES },
    ProductMapper,
    CatalogueQueries,
    BuyerOrders,
    RejectionTally,
    PurchaseService,
  ],
  exports: [
    CatalogueQueries,
    BuyerOrders,
    PurchaseService,
    RejectionTally,
    ProductMapper,
    InventoryStore,
    AuditStore,
    BuyerStore,
    QueueStore,
    TicketStore,
    StoreHealth,
    CLOCK,
  ],
})
export class InventoryModule extends ConfigurableInventoryModule {}
