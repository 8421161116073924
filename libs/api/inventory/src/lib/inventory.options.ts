import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RedisDurabilityMode } from '@gtd/api-platform';

export type StoreDriver = 'memory' | 'sqlite' | 'postgres' | 'redis';

export interface InventoryModuleOptions {
  store: StoreDriver;
  /** Products a fresh (empty) store starts with. */
  catalogPath: string;
  maxQuantityPerPurchase: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
  sqlitePath?: string;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  databaseUrl?: string;
  databasePoolSize?: number;
  redisUrl?: string;
  redisPrefix?: string;
  redisClaimIdleMs?: number;
  /** What Redis's persistence must be for the API to sell (`require` when unset). */
  redisDurability?: RedisDurabilityMode;
}

export const {
  ConfigurableModuleClass: ConfigurableInventoryModule,
  MODULE_OPTIONS_TOKEN: INVENTORY_OPTIONS,
} = new ConfigurableModuleBuilder<InventoryModuleOptions>().setClassMethodName('forRoot').build();
