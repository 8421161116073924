import { ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import {
  DEPENDENCY_RETRY_AFTER_SECONDS,
  DependencyUnavailable,
  DomainError,
  ProblemExtensions,
  ProblemSource,
  validationFailed,
} from '@gtd/api-platform';
import { isoOrNull } from './product-mapping';
import { PurchaseRejection } from './purchase-rules';

export const productNotFound = (productId: number): DomainError =>
  new DomainError(ErrorCode.ProductNotFound, `No product ${productId}.`, { productId });

export const orderNotFound = (orderId: string): DomainError =>
  new DomainError(ErrorCode.OrderNotFound, `No order ${orderId}.`);

/** Refused before the store is asked: the configured MAX_QUANTITY_PER_PURCHASE. */
export const quantityOverMaximum = (maxQuantityPerPurchase: number): DomainError =>
  validationFailed([
    { field: 'quantity', messages: [`quantity must not be greater than ${maxQuantityPerPurchase}`] },
  ]);

/** A refusal as the buyer is told it, thrown or not: the fields of the DomainError it would be. */
export type PurchaseRefusal = ProblemSource;

/** Prepared refusals of a product state; bounded, since a refusal of unknown ids is one per id. */
const PREPARED_LIMIT = 4096;
const prepared = new Map<string, PurchaseRefusal>();

/**
 * The refusal that depends on the product's state alone (sold out, paused, not started, …), one
 * object per state shared by every attempt it answers, so the HTTP layer serialises it once
 * (preparedProblemAnswer) and a crowd hammering a sold-out drop builds nothing per request.
 */
function preparedRefusal(key: string, build: () => PurchaseRefusal): PurchaseRefusal {
  let refusal = prepared.get(key);
  if (refusal === undefined) {
    if (prepared.size >= PREPARED_LIMIT) prepared.clear();
    refusal = Object.freeze(build());
    prepared.set(key, refusal);
  }
  return refusal;
}

const refusal = (code: ErrorCode, message: string, extensions: ProblemExtensions): PurchaseRefusal => ({
  code,
  message,
  extensions,
});

/**
 * What a buyer is told when the store refuses a purchase: the code, a sentence a person can act on,
 * and the members a client branches on (what is left, when the drop opens, the limit and holding).
 * Answers that name the attempt (its quantity, the buyer's holding) are built per attempt; the
 * others are prepared once per product state.
 */
export function purchaseRefusal(
  outcome: PurchaseRejection,
  productId: number,
  quantity: number,
): PurchaseRefusal {
  switch (outcome.code) {
    case ErrorCode.ProductNotFound:
      return preparedRefusal(`F${productId}`, () => productNotFound(productId));
    case ErrorCode.SoldOut:
      return preparedRefusal(`S${productId}`, () =>
        refusal(ErrorCode.SoldOut, `Product ${productId} is sold out.`, { productId, available: 0 }),
      );
    case ErrorCode.InsufficientStock:
      return refusal(
        ErrorCode.InsufficientStock,
        `Only ${outcome.available} of product ${productId} left; asked for ${quantity}. Nothing was sold.`,
        { productId, available: outcome.available },
      );
    case ErrorCode.NotStarted: {
      const startsAtMs = outcome.rules?.startsAtMs ?? null;
      return preparedRefusal(`N${productId}:${startsAtMs}`, () => {
        const startsAt = isoOrNull(startsAtMs) ?? undefined;
        return refusal(
          ErrorCode.NotStarted,
          startsAt
            ? `Product ${productId} goes on sale at ${startsAt}.`
            : `Product ${productId} is not on sale yet.`,
          { productId, startsAt },
        );
      });
    }
    case ErrorCode.Ended: {
      const endsAtMs = outcome.rules?.endsAtMs ?? null;
      return preparedRefusal(`E${productId}:${endsAtMs}`, () => {
        const endsAt = isoOrNull(endsAtMs) ?? undefined;
        return refusal(
          ErrorCode.Ended,
          endsAt
            ? `The drop of product ${productId} ended at ${endsAt}.`
            : `The drop of product ${productId} ended.`,
          { productId, endsAt },
        );
      });
    }
    case ErrorCode.Paused:
      return preparedRefusal(`P${productId}`, () =>
        refusal(ErrorCode.Paused, `The drop of product ${productId} is paused; try again later.`, {
          productId,
        }),
      );
    case ErrorCode.AuthRequired:
      // A 401: the problem answer adds `WWW-Authenticate: Bearer`, the buyer's token being the way in.
      return preparedRefusal(`A${productId}`, () =>
        refusal(ErrorCode.AuthRequired, `Product ${productId} is limited per buyer: sign in to buy it.`, {
          productId,
        }),
      );
    case ErrorCode.LimitReached: {
      const limit = outcome.rules?.perBuyerLimit ?? undefined;
      const bought = outcome.bought;
      return refusal(
        ErrorCode.LimitReached,
        `You already hold ${bought ?? 'the most'} of product ${productId}` +
          (limit !== undefined ? ` (limit ${limit} per buyer)` : '') +
          `; ${quantity} more would exceed the limit. Nothing was sold.`,
        { productId, limit, bought },
      );
    }
    case ErrorCode.IdempotencyKeyMismatch:
      return refusal(
        ErrorCode.IdempotencyKeyMismatch,
        'This Idempotency-Key was first used with a different product or quantity; use a new key for a new purchase.',
        { productId },
      );
  }
}

/** A refusal as the DomainError the problem filter answers, for callers that throw. */
export const refusalError = ({ code, message, extensions, challenge }: PurchaseRefusal): DomainError =>
  new DomainError(code, message, extensions, challenge);

/** The store's refusal of an attempt, thrown-ready (see purchaseRefusal). */
export const purchaseRefused = (
  outcome: PurchaseRejection,
  productId: number,
  quantity: number,
): DomainError => refusalError(purchaseRefusal(outcome, productId, quantity));

/**
 * The 503 for a purchase the store could not decide. Only a fault the adapter knows happened before
 * the store was reached says NOT_MADE; every other failure may hide a sale and says UNKNOWN, with
 * the way to find out that this request allows.
 */
export function purchaseUnavailable(fault: unknown, idempotencyKeySent: boolean): DomainError {
  const notMade = fault instanceof DependencyUnavailable && !fault.reached;
  const retryAfterSeconds = DEPENDENCY_RETRY_AFTER_SECONDS;
  if (notMade) {
    return new DomainError(
      ErrorCode.ServiceUnavailable,
      `The ${fault.dependency} store could not be reached; nothing was sold. Try again shortly.`,
      { purchase: PurchaseFaultOutcome.NotMade, retryAfterSeconds },
    );
  }
  return new DomainError(
    ErrorCode.ServiceUnavailable,
    idempotencyKeySent
      ? 'The store did not confirm this purchase; it may have been made. Retry with the same Idempotency-Key: ' +
        'you get its answer, never a second sale.'
      : 'The store did not confirm this purchase; it may have been made. A retry without an Idempotency-Key ' +
        'may buy again: check your orders first.',
    { purchase: PurchaseFaultOutcome.Unknown, retryAfterSeconds },
  );
}
