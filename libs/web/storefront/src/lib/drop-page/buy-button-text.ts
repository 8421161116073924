import type { Product } from '@gtd/shared-contracts';
import type { BuyStatus } from '@gtd/web-data-access';
import { limitReachedSentence, quoteName, soldOutSentence } from '../text/product-wording';

/** What the Buy button says: why it cannot be pressed, when it cannot. */
export function buyButtonLabel(status: BuyStatus): string {
  switch (status) {
    case 'buying':
      return 'Buying…';
    case 'upcoming':
      return 'Not open yet';
    case 'paused':
      return 'Paused';
    case 'sold_out':
      return 'Sold out';
    case 'ended':
      return 'Ended';
    case 'limit-reached':
      return 'Limit reached';
    case 'rate-limited':
      return 'Please wait…';
    case 'sign-in':
      return 'Sign in to buy';
    case 'unsettled':
      return 'Try again — same order';
    case 'ready':
      return 'Buy now';
  }
}

/** What the reason next to the button needs besides the status. */
export interface BuyReasonContext {
  readonly product: Product;
  /** How many the signed-in buyer holds. */
  readonly held: number;
  /** The countdown reached zero and the server has not opened yet. */
  readonly openingAnyMoment: boolean;
  /** The quantity of the attempt whose outcome is unknown, if there is one. */
  readonly unsettledQuantity: number | null;
  /** An ISO 8601 instant as the buyer reads it. */
  readonly formatInstant: (iso: string) => string;
}

/** The sentence next to the button (tied to it with `aria-describedby`), or `null` when there is nothing to explain. */
export function buyButtonReason(status: BuyStatus, context: BuyReasonContext): string | null {
  const { product, held, openingAnyMoment, unsettledQuantity, formatInstant } = context;
  switch (status) {
    case 'unsettled':
      return `Your order of ${unsettledQuantity ?? 1} × ${quoteName(product.name)} is not confirmed yet. This button sends that same order again to find out how it ended, so it cannot buy twice. You can choose another quantity once it is settled.`;
    case 'upcoming':
      return openingAnyMoment
        ? 'Opening any moment now. This page switches to live by itself.'
        : product.startsAt
          ? `Buying opens ${formatInstant(product.startsAt)}. This page switches to live by itself.`
          : 'Buying has not opened yet. This page switches to live by itself.';
    case 'paused':
      return 'The seller has paused this drop. It may resume at any moment; this page updates by itself.';
    case 'sold_out':
      return soldOutSentence(product.name);
    case 'ended':
      return product.endsAt ? `This drop ended ${formatInstant(product.endsAt)}.` : 'This drop has ended.';
    case 'limit-reached':
      return limitReachedSentence(held, product.perBuyerLimit);
    case 'rate-limited':
      return 'Too many attempts: Buy now is back in a few seconds.';
    case 'sign-in':
      return `Limited to ${product.perBuyerLimit} per buyer: sign in to buy.`;
    case 'buying':
    case 'ready':
      return null;
  }
}
