import { ErrorCode, ProblemDetails } from '@gtd/shared-contracts';

/** Extra members a problem answer may carry so the client can act on it. */
export type ProblemExtensions = Pick<
  ProblemDetails,
  'errors' | 'available' | 'productId' | 'startsAt' | 'endsAt' | 'limit' | 'bought' | 'retryAfterSeconds'
>;

/**
 * An error that is part of the contract: it carries its stable code, and the single exception filter
 * decides the HTTP status from that code. Domain code never speaks HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: ProblemExtensions = {},
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
