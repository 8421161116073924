import type { Product } from '@gtd/shared-contracts';

/**
 * A product's name inside a sentence, in quotation marks. Names are the seller's free text ("Every
 * Last pair sneakers", "3 nights in Rome", a plural, a name that starts with "the"), so a sentence
 * never lets the name be its subject, its article or its count: quoted, the name reads as a title,
 * and the sentence around it agrees with "the drop" or "units" instead of guessing at the name.
 */
export function quoteName(name: string): string {
  return `“${name.trim()}”`;
}

/** Sold out, said of any name. */
export function soldOutSentence(name: string): string {
  return `Every unit of ${quoteName(name)} has been claimed.`;
}

/** What a buyer may order of a drop, and what the signed-in buyer may still order. */
export interface LimitContext {
  readonly product: Pick<Product, 'maxQuantityPerPurchase' | 'perBuyerLimit'>;
  /** Someone is signed in (only then does "you hold" mean anything). */
  readonly signedIn: boolean;
  /** How many the signed-in buyer is known to hold (a lower bound; 0 when unknown). */
  readonly held: number;
}

const units = (n: number) => `${n} ${n === 1 ? 'unit' : 'units'}`;

/**
 * The one sentence on how many a buyer may order. The API caps each order at
 * `maxQuantityPerPurchase` and a buyer's total at `perBuyerLimit`, so the most one order can hold is
 * the smaller of the two: saying both as if each applied alone ("Up to 10 per order" beside "Limit 4
 * per buyer") contradicts itself. A signed-in buyer known to hold some is told what is left of the
 * allowance.
 */
export function limitSentence({ product, signedIn, held }: LimitContext): string {
  const perOrder = product.maxQuantityPerPurchase;
  const perBuyer = product.perBuyerLimit;
  if (perBuyer === null) {
    return `Up to ${perOrder} per order.`;
  }
  const left = perBuyer - held;
  // At the limit, the reason beside Buy now says so (limitReachedSentence); this states the rule.
  if (signedIn && held > 0 && left > 0) {
    return left > perOrder
      ? `You hold ${units(held)} and can buy ${left} more (the limit is ${perBuyer} per buyer), up to ${perOrder} per order.`
      : `You hold ${units(held)} and can buy ${left} more: the limit is ${perBuyer} per buyer.`;
  }
  return perBuyer > perOrder
    ? `Up to ${perOrder} per order and ${perBuyer} per buyer in all.`
    : `Up to ${perBuyer} per buyer, in one order or several.`;
}

/** Why Buy now cannot be pressed once the buyer holds the limit, in the same words as {@link limitSentence}. */
export function limitReachedSentence(held: number, perBuyer: number | null): string {
  return `You hold ${units(held)}: the limit is ${perBuyer ?? held} per buyer, so you cannot buy more.`;
}
