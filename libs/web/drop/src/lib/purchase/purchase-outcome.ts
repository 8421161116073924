import type { FieldError, ProblemDetails, PurchaseRequest, PurchaseResult } from '@gtd/shared-contracts';

/**
 * Every way `POST /buy` can end, as data. The client never throws: a lost race is an answer, not
 * an exception, and the page renders each kind differently.
 */
export type PurchaseOutcome =
  | { readonly kind: 'success'; readonly result: PurchaseResult }
  /** Nothing is left. */
  | { readonly kind: 'sold-out'; readonly problem: ProblemDetails }
  /** Less is left than was asked for; nothing was sold. */
  | {
      readonly kind: 'insufficient-stock';
      readonly requested: number;
      /** What was left when the API answered, when it said so. */
      readonly available: number | null;
      readonly problem: ProblemDetails;
    }
  | { readonly kind: 'not-found'; readonly problem: ProblemDetails }
  /** The request broke a rule (`VALIDATION_FAILED` and other client-side 4xx codes). */
  | {
      readonly kind: 'invalid';
      readonly errors: readonly FieldError[];
      readonly problem: ProblemDetails | null;
    }
  /** No answer at all (offline, DNS, connection refused, CORS): status 0. Safe to retry. */
  | { readonly kind: 'network' }
  /** 5xx: a fault on the server's side. */
  | {
      readonly kind: 'server';
      readonly status: number;
      readonly problem: ProblemDetails | null;
    }
  /** A 4xx answer with a code this client does not know yet (newer API); shown generically. */
  | {
      readonly kind: 'unknown';
      readonly status: number;
      readonly problem: ProblemDetails | null;
    };

export type PurchaseOutcomeKind = PurchaseOutcome['kind'];

/** The call state of one purchase attempt. */
export type PurchaseState =
  | { readonly status: 'idle' }
  | { readonly status: 'pending'; readonly request: PurchaseRequest }
  | {
      readonly status: 'done';
      readonly request: PurchaseRequest;
      readonly outcome: PurchaseOutcome;
    };
