import { Global, Module } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { createThrottlerStorage } from '@gtd/api-platform';
import { AuthThrottlerGuard, authThrottlerOptions } from './auth-throttler.guard';
import { AuthController } from './auth.controller';
import { BuyerTokens, createBuyerJwtService } from './buyer-tokens';
import { BUYERS_OPTIONS, BuyersModuleOptions, ConfigurableBuyersModule } from './buyers.options';
import { BuyersService } from './buyers.service';
import { BuyerVerification, NO_VERIFICATION } from './buyer-verification';
import { BuyerGuard, OptionalBuyerGuard } from './optional-buyer.guard';
import { PasswordHashGate } from './password-hash-gate';

/**
 * Buyer accounts: register, sign in, bearer tokens (JWT) for purchases with a per-buyer limit.
 * Global (register once with `forRoot`) so other features guard routes with OptionalBuyerGuard.
 * Needs InventoryModule registered at the root: accounts live in the store.
 */
@Global()
@Module({
  controllers: [AuthController],
  providers: [
    { provide: JwtService, inject: [BUYERS_OPTIONS], useFactory: createBuyerJwtService },
    // The /auth limiter's own options and storage, scoped to this module (not exported).
    { provide: getOptionsToken(), inject: [BUYERS_OPTIONS], useFactory: authThrottlerOptions },
    {
      provide: getStorageToken(),
      inject: [BUYERS_OPTIONS],
      useFactory: (options: BuyersModuleOptions) =>
        createThrottlerStorage(
          options.rateLimitRedis,
          Boolean(options.authRateLimitPerMinute || options.authEmailRateLimitPerMinute),
        ),
    },
    {
      provide: BuyerVerification,
      inject: [BUYERS_OPTIONS],
      useFactory: (options: BuyersModuleOptions) => options.verification ?? NO_VERIFICATION,
    },
    AuthThrottlerGuard,
    BuyerTokens,
    BuyersService,
    PasswordHashGate,
    OptionalBuyerGuard,
    BuyerGuard,
  ],
  exports: [BuyerTokens, OptionalBuyerGuard, BuyerGuard],
})
export class BuyersModule extends ConfigurableBuyersModule {}
