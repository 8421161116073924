import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BuyerVerification } from './buyer-verification';
import type { EmailPolicy } from './email-canonical';

export interface BuyersModuleOptions {
  /**
   * HMAC secret of the buyers' JWTs (HS256). Unset: a random secret for this process, so tokens
   * die with a restart (with WORKERS > 1 the primary hands one secret to every worker).
   */
  jwtSecret?: string;
  /** Lifetime of a token, in seconds. */
  tokenTtlSeconds: number;
  /** Password hashes (scrypt) running at once in this process (default 2). */
  hashConcurrency?: number;
  /** Sign-ins and registrations waiting for a hash slot before further ones get 503 (default 32). */
  hashQueue?: number;
  /** `/auth` attempts per minute per client address; 0 or unset: no limit. */
  authRateLimitPerMinute?: number;
  /** `/auth` attempts per minute per email; 0 or unset: no limit. */
  authEmailRateLimitPerMinute?: number;
  /** Which spellings of an email are one account (default: subaddress stripped, Gmail's dots ignored). */
  emailPolicy?: EmailPolicy;
  /** The step a fresh account goes through before its first session (default: none, see BuyerVerification). */
  verification?: BuyerVerification;
  /** Count the /auth attempts in Redis (shared by every instance) instead of this process's memory. */
  rateLimitRedis?: { url: string; keyPrefix: string };
}

export const { ConfigurableModuleClass: ConfigurableBuyersModule, MODULE_OPTIONS_TOKEN: BUYERS_OPTIONS } =
  new ConfigurableModuleBuilder<BuyersModuleOptions>().setClassMethodName('forRoot').build();
