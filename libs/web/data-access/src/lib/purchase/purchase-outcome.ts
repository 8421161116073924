import type {
  FieldError,
  ProblemDetails,
  PurchaseFaultOutcome,
  PurchaseRequest,
  PurchaseResult,
} from '@gtd/shared-contracts';

/**
 * Every way `POST /buy` can end, as data. The client never throws: a lost race is an answer, not
 * an exception, and the page renders each kind differently.
 */
/** Why the waiting room's gate on `POST /buy` refused the pass (`QUEUE_PASS_*`). */
export type QueuePassRefusal = 'required' | 'expired' | 'invalid' | 'used';

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
  /** The drop opens later (`startsAt`, ISO 8601, when the API said so). */
  | { readonly kind: 'not-started'; readonly startsAt: string | null; readonly problem: ProblemDetails }
  /** The drop closed (`endsAt`, ISO 8601, when the API said so). */
  | { readonly kind: 'ended'; readonly endsAt: string | null; readonly problem: ProblemDetails }
  /** The operator paused the drop; it may resume. */
  | { readonly kind: 'paused'; readonly problem: ProblemDetails }
  /** This buyer already holds `bought` of the `limit` per buyer (either may be unknown). */
  | {
      readonly kind: 'limit-reached';
      readonly requested: number;
      readonly limit: number | null;
      readonly bought: number | null;
      readonly problem: ProblemDetails;
    }
  /** The drop limits purchases per buyer: sign in first. */
  | { readonly kind: 'auth-required'; readonly problem: ProblemDetails }
  /** The buyer's token was refused (expired, or signed by an old key): sign in again. */
  | { readonly kind: 'unauthorized'; readonly problem: ProblemDetails }
  /** Too many attempts; `retryAfterSeconds` from `Retry-After` (or the body) when given. */
  | {
      readonly kind: 'rate-limited';
      readonly retryAfterSeconds: number | null;
      readonly problem: ProblemDetails | null;
    }
  /**
   * The drop sells through its waiting room and the `Queue-Pass` did not let this request in
   * (`QUEUE_PASS_REQUIRED` / `_EXPIRED` / `_INVALID` / `_USED`): refused before the store, so this
   * request bought nothing — and learnt nothing of an earlier sending of the same attempt.
   */
  | {
      readonly kind: 'queue-pass';
      readonly reason: QueuePassRefusal;
      readonly problem: ProblemDetails;
    }
  /** The `Idempotency-Key` was first used with another request; nothing was processed. */
  | { readonly kind: 'idempotency-mismatch'; readonly problem: ProblemDetails }
  /** The first request with this key is still being decided: retrying (same key) shows its answer. */
  | { readonly kind: 'in-progress'; readonly problem: ProblemDetails }
  /** The request broke a rule (`VALIDATION_FAILED` and other client-side 4xx codes). */
  | {
      readonly kind: 'invalid';
      readonly errors: readonly FieldError[];
      readonly problem: ProblemDetails | null;
    }
  /**
   * No answer at all (offline, DNS, connection refused, CORS, timeout): status 0. The request may
   * have reached the store and sold: safe to retry only as the same attempt (same key).
   */
  | { readonly kind: 'network' }
  /**
   * 5xx: a fault on the server's side. `made` is the API's word on whether the purchase happened
   * (`NOT_MADE`: certainly not; `UNKNOWN`: maybe), null when it did not say (a 500, a proxy's page):
   * treated as maybe. Either way a retry re-sends the same attempt, which can never buy twice.
   */
  | {
      readonly kind: 'server';
      readonly status: number;
      readonly made: PurchaseFaultOutcome | null;
      readonly retryAfterSeconds: number | null;
      readonly problem: ProblemDetails | null;
    }
  /** A 4xx answer with a code this client does not know yet (newer API); shown generically. */
  | {
      readonly kind: 'unknown';
      readonly status: number;
      readonly problem: ProblemDetails | null;
    };

export type PurchaseOutcomeKind = PurchaseOutcome['kind'];

/**
 * One purchase attempt: what the buyer asked for and the `Idempotency-Key` it travels with. A
 * retry after a network failure re-sends the same attempt (same key), so the server answers it
 * with the first decision instead of selling again. Buy now starts a new attempt only once the
 * last one's outcome is known (see `unsettledAfter`); until then it re-sends that one too.
 */
export interface PurchaseAttempt {
  readonly request: PurchaseRequest;
  readonly idempotencyKey: string;
}

/** The call state of one purchase attempt. */
export type PurchaseState =
  | { readonly status: 'idle' }
  | { readonly status: 'pending'; readonly attempt: PurchaseAttempt }
  | {
      readonly status: 'done';
      readonly attempt: PurchaseAttempt;
      readonly outcome: PurchaseOutcome;
      /**
       * After this answer the attempt may still have bought (this answer, or an earlier one it
       * does not overrule, left it unknown): trying again must re-send it, never start a new one.
       */
      readonly outcomeUnknown: boolean;
    };
