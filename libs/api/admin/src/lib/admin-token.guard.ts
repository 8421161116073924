import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems, DomainError, StaticBearerSecret } from '@gtd/api-platform';
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

  constructor(@Inject(ADMIN_OPTIONS) options: AdminModuleOptions) {
    this.secret = options.adminToken
      ? new StaticBearerSecret(options.adminToken, {
          missing: 'The operator API needs Authorization: Bearer <ADMIN_TOKEN>.',
          wrong: 'The operator token is wrong.',
        })
      : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.secret) {
      throw new DomainError(
        ErrorCode.AdminDisabled,
        'The operator API is disabled on this server: no ADMIN_TOKEN is configured.',
      );
    }
    return this.secret.authorize(context);
  }
}

/**
 * A controller of the operator API: behind AdminTokenGuard, and documented so (the admin bearer
 * scheme, its 401 and 403) in the OpenAPI document. Every operator route reads or writes the store,
 * so each may answer 503 when it does not answer.
 */
export const OperatorApi = (): ClassDecorator =>
  applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth(ADMIN_SECURITY_SCHEME),
    ApiProblems(ErrorCode.Unauthorized, ErrorCode.AdminDisabled, ErrorCode.ServiceUnavailable),
    UseGuards(AdminTokenGuard),
  );
