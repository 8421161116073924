import { ErrorCode, ProblemDetails } from '@gtd/shared-contracts';

/** Extra members a problem answer may carry so the client can act on it. */
export type ProblemExtensions = Pick<
  ProblemDetails,
  | 'errors'
  | 'available'
  | 'productId'
  | 'startsAt'
  | 'endsAt'
  | 'limit'
  | 'bought'
  | 'retryAfterSeconds'
  | 'purchase'
  | 'cancel'
  | 'cancelledAt'
  | 'position'
  | 'admittedThrough'
  | 'expiresAt'
  | 'checkedInAt'
  | 'scanner'
  | 'details'
>;

/**
 * The `WWW-Authenticate` of a 401 (RFC 9110 §11.6.1 wants one on every 401): the bare scheme when no
 * credentials came, `error="invalid_token"` when the ones that came are no good (RFC 6750 §3).
 */
export const BearerChallenge = {
  required: 'Bearer',
  invalidToken: 'Bearer error="invalid_token"',
} as const;
export type BearerChallenge = (typeof BearerChallenge)[keyof typeof BearerChallenge];

/**
 * An error that is part of the contract: it carries its stable code, and the single exception filter
 * decides the HTTP status from that code. Domain code never speaks HTTP; a 401 may say which
 * challenge it answers with, and the filter writes the header.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: ProblemExtensions = {},
    readonly challenge?: BearerChallenge,
  ) {
    // A domain error is an answer (sold out, not found), not a bug: its stack is never shown or
    // logged, and capturing it is a large part of what a SOLD_OUT costs on the hot path.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'DomainError';
  }
}

/** 401 UNAUTHORIZED: `credentialsSent` says whether the challenge names the token as invalid. */
export const unauthorized = (detail: string, credentialsSent: boolean): DomainError =>
  new DomainError(
    ErrorCode.Unauthorized,
    detail,
    {},
    credentialsSent ? BearerChallenge.invalidToken : BearerChallenge.required,
  );
