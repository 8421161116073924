import { Global, Module } from '@nestjs/common';
import { openStore } from './create-store';
import { InventoryStore } from './inventory-store';
import { InventoryService } from './inventory.service';
import { ConfigurableInventoryModule, INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';

/**
 * Registers the configured adapter once for the whole app (`forRoot` / `forRootAsync`). Global so
 * that the feature modules inject InventoryService without re-importing configuration.
 */
@Global()
@Module({
  providers: [
    {
      provide: InventoryStore,
      inject: [INVENTORY_OPTIONS],
      useFactory: (options: InventoryModuleOptions) => openStore(options),
    },
    InventoryService,
  ],
  exports: [InventoryService, InventoryStore],
})
export class InventoryModule extends ConfigurableInventoryModule {}
