import { ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { unauthorized } from './domain-error';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The problem `detail` of each way a request can fail the check. */
export interface BearerMessages {
  missing: string;
  wrong: string;
}

/**
 * A configured shared secret sent as `Authorization: Bearer <secret>` (the operator's ADMIN_TOKEN,
 * the scraper's METRICS_TOKEN). SHA-256 digests compared with timingSafeEqual: constant time, and
 * equal lengths whatever the caller sends, so neither the secret's content nor its length leaks
 * through response times.
 */
export class StaticBearerSecret {
  private readonly expected: Buffer;

  constructor(
    secret: string,
    private readonly messages: BearerMessages,
  ) {
    this.expected = digest(secret);
  }

  /**
   * A guard's answer: true when the request's `Authorization` carries the secret; otherwise 401
   * UNAUTHORIZED, whose challenge says `invalid_token` when wrong credentials came.
   */
  authorize(context: ExecutionContext): true {
    const header = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['authorization'];
    // Any characters after the scheme: the secret is whatever the configuration holds.
    const token = typeof header === 'string' ? /^Bearer +(\S.*)$/i.exec(header)?.[1] : undefined;
    if (token !== undefined && timingSafeEqual(digest(token), this.expected)) return true;
    const sent = header !== undefined;
    throw unauthorized(sent ? this.messages.wrong : this.messages.missing, sent);
  }
}
