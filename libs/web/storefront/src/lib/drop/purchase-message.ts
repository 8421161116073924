import type { PurchaseOutcome, PurchaseOutcomeKind } from '@gtd/web-drop';

export type MessageTone = 'success' | 'warning' | 'error';

/** What the buyer reads after an answer to Buy now. */
export interface PurchaseMessage {
  readonly kind: PurchaseOutcomeKind;
  readonly tone: MessageTone;
  readonly title: string;
  readonly detail: string;
  /** Shown separately so it can be copied and found by tests. */
  readonly orderId?: string;
  /** Offer to send the same request again (only where no answer arrived). */
  readonly retry: boolean;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** One clear message per outcome; exhaustive, so a new outcome kind fails to compile here. */
export function describeOutcome(outcome: PurchaseOutcome, productName: string): PurchaseMessage {
  switch (outcome.kind) {
    case 'success': {
      const { orderId, quantity } = outcome.result;
      return {
        kind: outcome.kind,
        tone: 'success',
        title: `You got it! Order confirmed.`,
        detail: `You bought ${quantity} × ${productName}.`,
        orderId,
        retry: false,
      };
    }
    case 'sold-out':
      return {
        kind: outcome.kind,
        tone: 'warning',
        title: 'Sold out',
        detail: `Every ${productName} has been claimed. Nothing was bought.`,
        retry: false,
      };
    case 'insufficient-stock': {
      const { requested, available } = outcome;
      const detail =
        available === null
          ? `Fewer than ${requested} are left. Choose a smaller quantity and try again.`
          : available === 0
            ? `You asked for ${requested}, but none are left.`
            : `You asked for ${requested}, but only ${available} ${plural(available, 'is', 'are')} left. Choose ${available} or fewer and try again.`;
      return {
        kind: outcome.kind,
        tone: 'warning',
        title: 'Not enough left',
        detail: `${detail} Nothing was bought.`,
        retry: false,
      };
    }
    case 'not-found':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: 'This drop is no longer available',
        detail: 'The store does not know this product. Nothing was bought.',
        retry: false,
      };
    case 'invalid': {
      const reasons = outcome.errors.flatMap((e) => e.messages);
      return {
        kind: outcome.kind,
        tone: 'error',
        title: 'The order was not accepted',
        detail:
          reasons.length > 0
            ? `${reasons.join('; ')}.`
            : (outcome.problem?.detail ?? 'The request was not valid. Reload the page and try again.'),
        retry: false,
      };
    }
    case 'network':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: 'Could not reach the store',
        detail: 'Your order was not confirmed. Check your connection and try again.',
        retry: true,
      };
    case 'server':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: 'Something went wrong on our side',
        detail: 'Your order was not confirmed. Please try again in a moment.',
        retry: false,
      };
    case 'unknown':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: outcome.problem?.title ?? 'The order could not be completed',
        detail:
          outcome.problem?.detail ?? `The store answered with status ${outcome.status}. Nothing was bought.`,
        retry: false,
      };
  }
}
