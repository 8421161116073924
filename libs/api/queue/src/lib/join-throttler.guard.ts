import { Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerModuleOptions } from '@nestjs/throttler';
import { BuyerAwareRequest } from '@gtd/api-buyers';
import { RateLimitGuard } from '@gtd/api-platform';
import { QueueModuleOptions } from './queue.options';

/** The one window QUEUE_JOIN_RATE_LIMIT counts in. */
export const JOIN_RATE_WINDOW_MS = 60_000;

type JoinRequest = BuyerAwareRequest & { ip?: string };

/**
 * `@nestjs/throttler` settings for anonymous joins, per client address. A signed-in buyer is not
 * counted: joining again returns the ticket already held, so there is nothing to farm.
 */
export function joinThrottlerOptions(options: QueueModuleOptions): ThrottlerModuleOptions {
  return {
    throttlers: options.joinRateLimitPerMinute
      ? [
          {
            name: 'queue-join',
            ttl: JOIN_RATE_WINDOW_MS,
            limit: options.joinRateLimitPerMinute,
            getTracker: (request: { ip?: string }) => `address:${normalizeIp(request.ip ?? '')}`,
            skipIf: (context) => Boolean(context.switchToHttp().getRequest<JoinRequest>().buyer),
          },
        ]
      : [],
    setHeaders: false,
  };
}

/** 429 RATE_LIMITED with `Retry-After` past the anonymous join limit; runs after OptionalBuyerGuard. */
@Injectable()
export class JoinThrottlerGuard extends RateLimitGuard {
  protected override limited() {
    return { attempts: 'queue joins', scope: ' from this address' };
  }
}
