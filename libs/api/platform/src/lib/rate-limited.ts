import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from './domain-error';

/**
 * The answer of every @nestjs/throttler guard of the API: 429 RATE_LIMITED saying what was
 * limited and when to come back (`retryAfterSeconds`, which the problem filter also writes as
 * `Retry-After`), in the same problem body as every other error.
 */
export function rateLimited(detail: ThrottlerLimitDetail, attempts: string, scope = ''): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
  return new DomainError(
    ErrorCode.RateLimited,
    `More than ${detail.limit} ${attempts} a minute${scope}; try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
}

/**
 * @nestjs/throttler's guard for a route whose throttlers are configured (a limit of 0 leaves its
 * throttler out): with none left it lets every request through without touching the storage, and
 * past a limit it answers `rateLimited` with what the subclass says was limited.
 */
export abstract class RateLimitGuard extends ThrottlerGuard {
  override canActivate(context: ExecutionContext): Promise<boolean> {
    return this.throttlers.length === 0 ? Promise.resolve(true) : super.canActivate(context);
  }

  /** What was limited ("queue joins") and from where (" from this address"), for the problem's detail. */
  protected abstract limited(detail: ThrottlerLimitDetail): { attempts: string; scope: string };

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { attempts, scope } = this.limited(detail);
    throw rateLimited(detail, attempts, scope);
  }
}
