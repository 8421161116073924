import { Module } from '@nestjs/common';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { createThrottlerStorage } from '@gtd/api-platform';
import { BuyThrottler, BuyThrottlerGuard, buyThrottlerOptions } from './buy-throttler.guard';
import { MyOrdersController } from './my-orders.controller';
import { PurchaseController } from './purchase.controller';
import { ConfigurablePurchaseModule, PURCHASE_OPTIONS, PurchaseModuleOptions } from './purchase.options';

/**
 * POST /buy (optional buyer, Idempotency-Key, rate limit), order look-up and the signed-in buyer's
 * own orders (GET /me/orders). Needs InventoryModule
 * and BuyersModule registered at the root. The rate limiter is @nestjs/throttler's guard with its
 * options and storage provided here, scoped to this route rather than installed app-wide.
 */
@Module({
  controllers: [PurchaseController, MyOrdersController],
  providers: [
    { provide: getOptionsToken(), inject: [PURCHASE_OPTIONS], useFactory: buyThrottlerOptions },
    {
      provide: getStorageToken(),
      inject: [PURCHASE_OPTIONS],
      useFactory: (options: PurchaseModuleOptions) =>
        createThrottlerStorage(options.rateLimitRedis, options.buyRateLimitPerMinute > 0),
    },
    BuyThrottler,
    BuyThrottlerGuard,
  ],
})
export class PurchaseModule extends ConfigurablePurchaseModule {}
