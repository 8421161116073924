import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ApiEnvironment } from '@gtd/api-platform';

export interface PurchaseModuleOptions {
  /** `POST /buy` attempts per minute per buyer (per client address when anonymous); 0 turns it off. */
  buyRateLimitPerMinute: number;
  /**
   * Count attempts in Redis (shared by every API instance, so the limit holds across them) instead
   * of in this process's memory. Set with STORE=redis.
   */
  rateLimitRedis?: { url: string; keyPrefix: string };
}

export const { ConfigurableModuleClass: ConfigurablePurchaseModule, MODULE_OPTIONS_TOKEN: PURCHASE_OPTIONS } =
  new ConfigurableModuleBuilder<PurchaseModuleOptions>().setClassMethodName('forRoot').build();

/** The options from the validated environment: the limiter counts in Redis exactly when the store does. */
export function purchaseOptions(env: ApiEnvironment): PurchaseModuleOptions {
  return {
    buyRateLimitPerMinute: env.BUY_RATE_LIMIT,
    rateLimitRedis:
      env.STORE === 'redis' && env.REDIS_URL
        ? { url: env.REDIS_URL, keyPrefix: env.REDIS_PREFIX }
        : undefined,
  };
}
