import { DomainError, unauthorized } from '@gtd/api-platform';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 syntax), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** A token came and is no good: 401 with the `invalid_token` challenge. */
export const invalidBuyerToken = (): DomainError =>
  unauthorized('The bearer token is malformed, expired or not one of ours.', true);
