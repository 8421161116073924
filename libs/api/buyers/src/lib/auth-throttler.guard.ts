import { ExecutionContext, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  normalizeIp,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerOptions,
} from '@nestjs/throttler';
import { RateLimitGuard } from '@gtd/api-platform';
import { BuyersModuleOptions } from './buyers.options';
import { canonicalEmail, DEFAULT_EMAIL_POLICY, EmailPolicy } from './email-canonical';

/** The one window the /auth limits count in. */
export const AUTH_RATE_WINDOW_MS = 60_000;

type AuthRequest = { ip?: string; body?: { email?: unknown } };

/**
 * The account an attempt names, keyed as accounts are (every alias of one inbox counts against one
 * budget); none when the body names none.
 */
const emailOf = (request: AuthRequest, policy: EmailPolicy): string | undefined =>
  typeof request.body?.email === 'string' ? canonicalEmail(request.body.email, policy) : undefined;

/** Counted by a digest, so no address book of attempted emails sits in the limiter's storage. */
const emailTracker = (email: string | undefined) =>
  `email:${createHash('sha256')
    .update(email ?? '')
    .digest('base64url')}`;

/** One count for register and sign-in together (the default key is per route). */
const sharedKey = (_context: ExecutionContext, tracker: string, throttler: string) =>
  `${throttler}:${tracker}`;

/**
 * `@nestjs/throttler` settings for /auth: per client address (guessing from one place) and per
 * email (guessing one account from many places); a limit of 0 leaves that throttler out.
 */
export function authThrottlerOptions(options: BuyersModuleOptions): ThrottlerModuleOptions {
  const throttlers: ThrottlerOptions[] = [];
  const policy = options.emailPolicy ?? DEFAULT_EMAIL_POLICY;
  if (options.authRateLimitPerMinute) {
    throttlers.push({
      name: 'auth-address',
      ttl: AUTH_RATE_WINDOW_MS,
      limit: options.authRateLimitPerMinute,
      getTracker: (request: AuthRequest) => `address:${normalizeIp(request.ip ?? '')}`,
      generateKey: sharedKey,
    });
  }
  if (options.authEmailRateLimitPerMinute) {
    throttlers.push({
      name: 'auth-email',
      ttl: AUTH_RATE_WINDOW_MS,
      limit: options.authEmailRateLimitPerMinute,
      getTracker: (request: AuthRequest) => emailTracker(emailOf(request, policy)),
      generateKey: sharedKey,
      // A body without an email is refused by validation anyway; it names no account to protect.
      skipIf: (context) => emailOf(context.switchToHttp().getRequest<AuthRequest>(), policy) === undefined,
    });
  }
  return { throttlers, setHeaders: false };
}

/**
 * Rate limits of `POST /auth/register` and `POST /auth/sign-in`, before any password is hashed:
 * over either limit, 429 RATE_LIMITED with `Retry-After` (written by the problem filter). With no
 * limit configured it lets every request through without touching the storage.
 */
@Injectable()
export class AuthThrottlerGuard extends RateLimitGuard {
  protected override limited(detail: ThrottlerLimitDetail) {
    const scope = detail.tracker.startsWith('email:') ? ' for this email' : ' from this address';
    return { attempts: 'sign-in or registration attempts', scope };
  }
}
