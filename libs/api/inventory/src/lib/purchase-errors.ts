import { ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import {
  DEPENDENCY_RETRY_AFTER_SECONDS,
  DependencyUnavailable,
  DomainError,
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

/**
 * What a buyer is told when the store refuses a purchase: the code, a sentence a person can act on,
 * and the members a client branches on (what is left, when the drop opens, the limit and holding).
 */
export function purchaseRefused(
  outcome: PurchaseRejection,
  productId: number,
  quantity: number,
): DomainError {
  switch (outcome.code) {
    case ErrorCode.ProductNotFound:
      return productNotFound(productId);
    case ErrorCode.SoldOut:
      return new DomainError(ErrorCode.SoldOut, `Product ${productId} is sold out.`, {
        productId,
        available: 0,
      });
    case ErrorCode.InsufficientStock:
      return new DomainError(
        ErrorCode.InsufficientStock,
        `Only ${outcome.available} of product ${productId} left; asked for ${quantity}. Nothing was sold.`,
        { productId, available: outcome.available },
      );
    case ErrorCode.NotStarted: {
      const startsAt = isoOrNull(outcome.rules?.startsAtMs ?? null) ?? undefined;
      return new DomainError(
        ErrorCode.NotStarted,
        startsAt
          ? `Product ${productId} goes on sale at ${startsAt}.`
          : `Product ${productId} is not on sale yet.`,
        { productId, startsAt },
      );
    }
    case ErrorCode.Ended: {
      const endsAt = isoOrNull(outcome.rules?.endsAtMs ?? null) ?? undefined;
      return new DomainError(
        ErrorCode.Ended,
        endsAt
          ? `The drop of product ${productId} ended at ${endsAt}.`
          : `The drop of product ${productId} ended.`,
        { productId, endsAt },
      );
    }
    case ErrorCode.Paused:
      return new DomainError(
        ErrorCode.Paused,
        `The drop of product ${productId} is paused; try again later.`,
        {
          productId,
        },
      );
    case ErrorCode.AuthRequired:
      // A 401: the problem filter adds `WWW-Authenticate: Bearer`, the buyer's token being the way in.
      return new DomainError(
        ErrorCode.AuthRequired,
        `Product ${productId} is limited per buyer: sign in to buy it.`,
        { productId },
      );
    case ErrorCode.LimitReached: {
      const limit = outcome.rules?.perBuyerLimit ?? undefined;
      const bought = outcome.bought;
      return new DomainError(
        ErrorCode.LimitReached,
        `You already hold ${bought ?? 'the most'} of product ${productId}` +
          (limit !== undefined ? ` (limit ${limit} per buyer)` : '') +
          `; ${quantity} more would exceed the limit. Nothing was sold.`,
        { productId, limit, bought },
      );
    }
    case ErrorCode.IdempotencyKeyMismatch:
      return new DomainError(
        ErrorCode.IdempotencyKeyMismatch,
        'This Idempotency-Key was first used with a different product or quantity; use a new key for a new purchase.',
        { productId },
      );
  }
}

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
