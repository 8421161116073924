import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock';
import { openStore } from './create-store';
import { CatalogueQueries } from './catalogue-queries';
import { InventoryHealth } from './inventory-health';
import { InventoryStore } from './inventory-store';
import { ConfigurableInventoryModule, INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';
import { ProductMapper } from './product-mapping';
import { PurchaseService } from './purchase.service';
import { RejectionTally } from './rejection-tally';

/**
 * Registers the configured adapter once for the whole app (`forRoot` / `forRootAsync`). Global so
 * that the feature modules inject InventoryService (and, for accounts and the audit log, the store
 * and the clock) without re-importing configuration.
 */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: InventoryStore,
      inject: [INVENTORY_OPTIONS],
      useFactory: (options: InventoryModuleOptions) => openStore(options),
    },
    ProductMapper,
    CatalogueQueries,
    RejectionTally,
    PurchaseService,
    InventoryHealth,
  ],
  exports: [
    CatalogueQueries,
    PurchaseService,
    RejectionTally,
    ProductMapper,
    InventoryHealth,
    InventoryStore,
    CLOCK,
  ],
})
export class InventoryModule extends ConfigurableInventoryModule {}
