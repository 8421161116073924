import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InventoryModule } from '@gtd/api-inventory';
import { OperationsModule } from '@gtd/api-operations';
import { ApiEnvironment, HttpPlatformModule } from '@gtd/api-platform';
import { ProductsModule } from '@gtd/api-products';
import { PurchaseModule } from '@gtd/api-purchase';

/** Paths that belong to the API, so the storefront's deep-link fallback never answers them. */
const API_PATHS = [
  '/products{/*rest}',
  '/buy{/*rest}',
  '/orders{/*rest}',
  '/health{/*rest}',
  '/docs{/*rest}',
  '/docs-json',
];

function storefront(env: ApiEnvironment): DynamicModule[] {
  const root = env.WEB_ROOT ?? join(__dirname, '..', 'web', 'browser');
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Storefront').warn(`No storefront build at ${root}; serving the API only (nx build web)`);
    return [];
  }
  return [ServeStaticModule.forRoot({ rootPath: root, exclude: API_PATHS })];
}

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
        ...storefront(env),
      ],
    };
  }
}
