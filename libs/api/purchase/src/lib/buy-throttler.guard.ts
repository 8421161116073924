import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { BuyerAwareRequest } from '@gtd/api-buyers';
import { RejectionTally } from '@gtd/api-inventory';
import { rateLimited } from '@gtd/api-platform';
import { PURCHASE_OPTIONS, PurchaseModuleOptions } from './purchase.options';

/** The one window BUY_RATE_LIMIT counts in. */
export const BUY_RATE_WINDOW_MS = 60_000;

/** `@nestjs/throttler` settings for POST /buy: one throttler, no informational headers on the hot path. */
export function buyThrottlerOptions(options: PurchaseModuleOptions): ThrottlerModuleOptions {
  return {
    throttlers: [{ name: 'buy', ttl: BUY_RATE_WINDOW_MS, limit: Math.max(1, options.buyRateLimitPerMinute) }],
    setHeaders: false,
  };
}

type ThrottledRequest = BuyerAwareRequest & { ip?: string; body?: { productId?: unknown } };

/**
 * The counting behind BuyThrottlerGuard: @nestjs/throttler's guard, counting per buyer or address
 * and answering 429 RATE_LIMITED with `Retry-After`, the same problem body as every other error.
 */
@Injectable()
export class BuyThrottler extends ThrottlerGuard {
  // A property, not a constructor parameter: ThrottlerGuard's constructor stays as the library has it.
  @Inject(RejectionTally) private readonly tally!: RejectionTally;

  protected override async getTracker(request: ThrottledRequest): Promise<string> {
    return request.buyer ? `buyer:${request.buyer.id}` : `address:${normalizeIp(request.ip ?? '')}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    // The operator's summary shows these beside the store's refusals (the body is parsed, not validated).
    this.tally.countRateLimited(context.switchToHttp().getRequest<ThrottledRequest>().body?.productId);
    throw rateLimited(detail, 'purchase attempts');
  }
}

/**
 * Rate limit of POST /buy: BUY_RATE_LIMIT attempts a minute per signed-in buyer, or per client
 * address when anonymous (so one buyer cannot dodge it by switching networks, and one office NAT
 * does not share a signed-in buyer's budget). Runs after OptionalBuyerGuard, which names the buyer.
 * With BUY_RATE_LIMIT=0 it lets every request through synchronously: Nest does not wait on a
 * boolean, so a switched-off limiter costs no promise, no reflection and no storage call.
 */
@Injectable()
export class BuyThrottlerGuard implements CanActivate {
  private readonly throttler: BuyThrottler | undefined;

  constructor(@Inject(PURCHASE_OPTIONS) options: PurchaseModuleOptions, throttler: BuyThrottler) {
    this.throttler = options.buyRateLimitPerMinute === 0 ? undefined : throttler;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.throttler === undefined ? true : this.throttler.canActivate(context);
  }
}
