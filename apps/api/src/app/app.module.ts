import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { join } from 'node:path';
import { InventoryModule } from '@gtd/api-inventory';
import { OperationsModule } from '@gtd/api-operations';
import { ApiEnvironment, HttpPlatformModule } from '@gtd/api-platform';
import { ProductsModule } from '@gtd/api-products';
import { PurchaseModule } from '@gtd/api-purchase';

@Module({})
export class AppModule {
  static forRoot(env: ApiEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...env })],
        }),
        HttpPlatformModule,
        InventoryModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<ApiEnvironment, true>) => ({
            store: config.get('STORE', { infer: true }),
            sqlitePath: config.get('SQLITE_PATH', { infer: true }),
            catalogPath: config.get('CATALOG', { infer: true }) ?? join(__dirname, 'assets', 'catalog.json'),
            maxQuantityPerPurchase: config.get('MAX_QUANTITY_PER_PURCHASE', {
              infer: true,
            }),
          }),
        }),
        ProductsModule,
        PurchaseModule,
        OperationsModule,
      ],
    };
  }
}
