import { HttpAdapterHost } from '@nestjs/core';
import { ErrorCode } from '@gtd/shared-contracts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from './domain-error';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Every 401 names its scheme (RFC 9110 §11.6.1): `Bearer` when no credentials came, with
 * `error="invalid_token"` when the ones that came are no good (RFC 6750 §3).
 */
export function challengeBearer(
  adapterHost: HttpAdapterHost,
  response: unknown,
  invalidToken: boolean,
): void {
  adapterHost.httpAdapter.setHeader(
    response,
    'WWW-Authenticate',
    invalidToken ? 'Bearer error="invalid_token"' : 'Bearer',
  );
}

/**
 * A configured shared secret sent as `Authorization: Bearer <secret>` (the operator's ADMIN_TOKEN,
 * the scraper's METRICS_TOKEN). SHA-256 digests compared with timingSafeEqual: constant time, and
 * equal lengths whatever the caller sends, so neither the secret's content nor its length leaks
 * through response times.
 */
export class StaticBearerSecret {
  private readonly expected: Buffer;

  constructor(secret: string) {
    this.expected = digest(secret);
  }

  /**
   * Passes when the header carries the secret; otherwise sets the RFC 6750 §3 challenge (bare when
   * no credentials came, `invalid_token` when wrong ones did) and throws 401 UNAUTHORIZED.
   */
  assert(
    header: string | string[] | undefined,
    response: unknown,
    adapterHost: HttpAdapterHost,
    messages: { missing: string; wrong: string },
  ): void {
    // Any characters after the scheme: the secret is whatever the configuration holds.
    const token = typeof header === 'string' ? /^Bearer +(\S.*)$/i.exec(header)?.[1] : undefined;
    if (token !== undefined && timingSafeEqual(digest(token), this.expected)) return;
    challengeBearer(adapterHost, response, header !== undefined);
    throw new DomainError(ErrorCode.Unauthorized, header === undefined ? messages.missing : messages.wrong);
  }
}
