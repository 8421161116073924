import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from '@gtd/api-platform';
import { ADMIN_OPTIONS, AdminModuleOptions } from './admin.options';

/** Name of the operator's bearer scheme in the OpenAPI document. */
export const ADMIN_SECURITY_SCHEME = 'admin';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every operator route. Without a configured token the
 * operator API is switched off (403 ADMIN_DISABLED), never open. The comparison is of SHA-256
 * digests with timingSafeEqual: constant time, and equal lengths whatever the caller sends, so
 * neither the token's content nor its length leaks through response times.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    @Inject(ADMIN_OPTIONS) options: AdminModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.expected = options.adminToken ? digest(options.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new DomainError(
        ErrorCode.AdminDisabled,
        'The operator API is disabled on this server: no ADMIN_TOKEN is configured.',
      );
    }
    const http = context.switchToHttp();
    const header = http.getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[
      'authorization'
    ];
    // Any characters after the scheme: an operator's token is whatever ADMIN_TOKEN holds.
    const token = typeof header === 'string' ? /^Bearer +(\S.*)$/i.exec(header)?.[1] : undefined;
    if (token !== undefined && timingSafeEqual(digest(token), this.expected)) return true;
    // RFC 6750 §3: a bare challenge when no credentials came, `invalid_token` when wrong ones did.
    this.adapterHost.httpAdapter.setHeader(
      http.getResponse(),
      'WWW-Authenticate',
      header === undefined ? 'Bearer' : 'Bearer error="invalid_token"',
    );
    throw new DomainError(
      ErrorCode.Unauthorized,
      header === undefined
        ? 'The operator API needs Authorization: Bearer <ADMIN_TOKEN>.'
        : 'The operator token is wrong.',
    );
  }
}
