import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError, StaticBearerSecret } from '@gtd/api-platform';
import { ADMIN_OPTIONS, AdminModuleOptions } from './admin.options';

/** Name of the operator's bearer scheme in the OpenAPI document. */
export const ADMIN_SECURITY_SCHEME = 'admin';

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every operator route. Without a configured token the
 * operator API is switched off (403 ADMIN_DISABLED), never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly secret: StaticBearerSecret | undefined;

  constructor(
    @Inject(ADMIN_OPTIONS) options: AdminModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.secret = options.adminToken ? new StaticBearerSecret(options.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.secret) {
      throw new DomainError(
        ErrorCode.AdminDisabled,
        'The operator API is disabled on this server: no ADMIN_TOKEN is configured.',
      );
    }
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    this.secret.assert(request.headers['authorization'], http.getResponse(), this.adapterHost, {
      missing: 'The operator API needs Authorization: Bearer <ADMIN_TOKEN>.',
      wrong: 'The operator token is wrong.',
    });
    return true;
  }
}
