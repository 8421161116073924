import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError, validationFailed } from '@gtd/api-platform';
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
