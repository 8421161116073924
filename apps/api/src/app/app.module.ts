import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { join } from 'node:path';
import { AdminModule } from '@gtd/api-admin';
import { BuyersModule } from '@gtd/api-buyers';
import { InventoryModule, InventoryModuleOptions } from '@gtd/api-inventory';
import { OperationsModule } from '@gtd/api-operations';
import { ApiEnvironment, HttpPlatformModule, ObservabilityModule } from '@gtd/api-platform';
import { ProductsModule } from '@gtd/api-products';
import { PurchaseModule, purchaseOptions } from '@gtd/api-purchase';
import { QueueModule } from '@gtd/api-queue';
import { TicketsModule } from '@gtd/api-tickets';

/** The store's settings from the validated environment; the reconcile command uses them too. */
export function inventoryOptions(env: ApiEnvironment): InventoryModuleOptions {
  return {
    store: env.STORE,
    catalogPath: env.CATALOG ?? join(__dirname, 'assets', 'catalog.json'),
    maxQuantityPerPurchase: env.MAX_QUANTITY_PER_PURCHASE,
    idempotencyTtlMs: env.IDEMPOTENCY_TTL_SECONDS * 1000,
    sqlitePath: env.SQLITE_PATH,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    redisClaimIdleMs: env.REDIS_CLAIM_IDLE_MS,
    redisDurability: env.REDIS_DURABILITY,
  };
}

/** The container: configuration, HTTP conventions, the store, and the feature modules. */
@Module({})
export class AppModule {
  static forRoot(env: ApiEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The validated environment, for any feature that needs a setting through ConfigService.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...env })] }),
        HttpPlatformModule,
        ObservabilityModule.forRoot(env),
        InventoryModule.forRoot(inventoryOptions(env)),
        ProductsModule,
        BuyersModule.forRoot({
          jwtSecret: env.JWT_SECRET,
          tokenTtlSeconds: env.JWT_TTL_SECONDS,
          hashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
          hashQueue: env.PASSWORD_HASH_QUEUE,
          authRateLimitPerMinute: env.AUTH_RATE_LIMIT,
          authEmailRateLimitPerMinute: env.AUTH_EMAIL_RATE_LIMIT,
          emailPolicy: { subaddress: env.EMAIL_SUBADDRESS_POLICY, dots: env.EMAIL_DOTS_POLICY },
          rateLimitRedis: purchaseOptions(env).rateLimitRedis,
        }),
        QueueModule.forRoot({
          secret: env.QUEUE_SECRET,
          joinRateLimitPerMinute: env.QUEUE_JOIN_RATE_LIMIT,
          statusPollMs: Math.max(1000, env.POLL_INTERVAL_MS),
          rateLimitRedis: purchaseOptions(env).rateLimitRedis,
        }),
        PurchaseModule.forRoot(purchaseOptions(env)),
        TicketsModule.forRoot({ signingKey: env.TICKET_SIGNING_KEY }),
        AdminModule.forRoot({ adminToken: env.ADMIN_TOKEN }),
        OperationsModule.forRoot({ metricsToken: env.METRICS_TOKEN }),
      ],
    };
  }
}
