import { HttpAdapterHost } from '@nestjs/core';
import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from '@gtd/api-platform';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 syntax), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

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

export const invalidBuyerToken = (): DomainError =>
  new DomainError(ErrorCode.Unauthorized, 'The bearer token is malformed, expired or not one of ours.');
