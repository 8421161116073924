import type { ThrottlerLimitDetail } from '@nestjs/throttler';
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
