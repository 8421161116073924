import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { join } from 'node:path';
import { InventoryModule, InventoryModuleOptions } from '@gtd/api-inventory';
import { OperationsModule } from '@gtd/api-operations';
import { ApiEnvironment, HttpPlatformModule } from '@gtd/api-platform';
import { ProductsModule } from '@gtd/api-products';
import { PurchaseModule } from '@gtd/api-purchase';

function inventoryOptions(config: ConfigService<ApiEnvironment, true>): InventoryModuleOptions {
  return {
    store: config.get('STORE', { infer: true }),
    catalogPath: config.get('CATALOG', { infer: true }) ?? join(__dirname, 'assets', 'catalog.json'),
    maxQuantityPerPurchase: config.get('MAX_QUANTITY_PER_PURCHASE', { infer: true }),
    sqlitePath: config.get('SQLITE_PATH', { infer: true }),
    databaseUrl: config.get('DATABASE_URL', { infer: true }),
    databasePoolSize: config.get('DATABASE_POOL_SIZE', { infer: true }),
  };
}

/** The container: configuration, HTTP conventions, the store, and the feature modules. */
@Module({})
export class AppModule {
  static forRoot(env: ApiEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...env })] }),
        HttpPlatformModule,
        InventoryModule.forRootAsync({ inject: [ConfigService], useFactory: inventoryOptions }),
        ProductsModule,
        PurchaseModule,
        OperationsModule,
      ],
    };
  }
}
