import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from '@gtd/api-platform';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 syntax), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

export const invalidBuyerToken = (): DomainError =>
  new DomainError(ErrorCode.Unauthorized, 'The bearer token is malformed, expired or not one of ours.');
