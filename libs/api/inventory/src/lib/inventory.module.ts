import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock';
import { openStore } from './create-store';
import { InventoryStore } from './inventory-store';
import { InventoryService } from './inventory.service';
import { ConfigurableInventoryModule, INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';

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
    InventoryService,
  ],
  exports: [InventoryService, InventoryStore, CLOCK],
})
export class InventoryModule extends ConfigurableInventoryModule {}
