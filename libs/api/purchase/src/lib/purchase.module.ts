import { Module } from '@nestjs/common';
import {
  getOptionsToken,
  getStorageToken,
  ThrottlerStorage,
  ThrottlerStorageService,
} from '@nestjs/throttler';
import { BuyThrottler, BuyThrottlerGuard, buyThrottlerOptions } from './buy-throttler.guard';
import { PurchaseController } from './purchase.controller';
import { ConfigurablePurchaseModule, PURCHASE_OPTIONS, PurchaseModuleOptions } from './purchase.options';
import { RedisThrottlerStorage } from './redis-throttler-storage';

async function throttlerStorage(options: PurchaseModuleOptions): Promise<ThrottlerStorage> {
  const redis = options.rateLimitRedis;
  // No Redis connection for a limiter that is switched off.
  if (!redis || options.buyRateLimitPerMinute === 0) return new ThrottlerStorageService();
  const storage = new RedisThrottlerStorage(redis.url, redis.keyPrefix);
  await storage.connect();
  return storage;
}

/**
 * POST /buy (optional buyer, Idempotency-Key, rate limit) and order look-up. Needs InventoryModule
 * and BuyersModule registered at the root. The rate limiter is @nestjs/throttler's guard with its
 * options and storage provided here, scoped to this route rather than installed app-wide.
 */
@Module({
  controllers: [PurchaseController],
  providers: [
    { provide: getOptionsToken(), inject: [PURCHASE_OPTIONS], useFactory: buyThrottlerOptions },
    { provide: getStorageToken(), inject: [PURCHASE_OPTIONS], useFactory: throttlerStorage },
    BuyThrottler,
    BuyThrottlerGuard,
  ],
})
export class PurchaseModule extends ConfigurablePurchaseModule {}
