import type { PurchaseRequest } from '@gtd/shared-contracts';
import type { PurchaseOutcome } from '../purchase/purchase-outcome';

/**
 * How many units of a drop the signed-in buyer is known to hold: a lower bound, learnt from this
 * page's own answers (the API has no "my orders" read).
 */
export interface Holding {
  readonly buyerId: string;
  readonly productId: number;
  readonly held: number;
}

/** What `holding` says `buyerId` holds of `productId`: 0 when it is about someone or something else. */
export function heldBy(holding: Holding | null, buyerId: string | null, productId: number | null): number {
  return holding && holding.buyerId === buyerId && holding.productId === productId ? holding.held : 0;
}

/**
 * The holding after an answer to `request`, sent while `buyerId` was signed in: LIMIT_REACHED
 * says how many the buyer holds, a sale adds its quantity, anything else teaches nothing.
 */
export function learnHolding(
  before: Holding | null,
  outcome: PurchaseOutcome,
  request: PurchaseRequest,
  buyerId: string | null,
): Holding | null {
  const { productId, quantity } = request;
  if (buyerId === null) {
    return before;
  }
  if (outcome.kind === 'limit-reached' && outcome.bought !== null) {
    return { buyerId, productId, held: outcome.bought };
  }
  if (outcome.kind === 'success') {
    return { buyerId, productId, held: heldBy(before, buyerId, productId) + quantity };
  }
  return before;
}
