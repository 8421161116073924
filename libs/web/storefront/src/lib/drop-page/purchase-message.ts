import { PurchaseFaultOutcome } from '@gtd/shared-contracts';
import type { PurchaseOutcome, PurchaseOutcomeKind } from '@gtd/web-data-access';
import { quoteName, soldOutSentence } from '../text/product-wording';

export type MessageTone = 'success' | 'warning' | 'error';

/** What the buyer reads after an answer to Buy now. */
export interface PurchaseMessage {
  readonly kind: PurchaseOutcomeKind;
  readonly tone: MessageTone;
  readonly title: string;
  readonly detail: string;
  /** Shown separately so it can be copied and found by tests. */
  readonly orderId?: string;
  /**
   * Offer a separate Try again that sends the same attempt again, with the same `Idempotency-Key`
   * (only where nothing was decided). Where the outcome is unknown there is none: Buy now itself
   * becomes "Try again — same order" and re-sends the attempt, so one button does it.
   */
  readonly retry: boolean;
  /** Offer a way to sign in (and come back to this drop). */
  readonly signIn: boolean;
}

/** What the message needs from the page besides the outcome. */
export interface MessageContext {
  readonly productName: string;
  /** An ISO 8601 instant as the buyer reads it. */
  readonly formatInstant: (iso: string) => string;
  /**
   * The attempt may still have bought: this answer (a 429, a refused token) came before the store
   * and says nothing about an earlier sending that was lost.
   */
  readonly outcomeUnknown?: boolean;
}

/** The same-order retry, as the buyer reads it on the button. */
const SAME_ORDER = 'Try again — same order';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** One clear message per outcome; exhaustive, so a new outcome kind fails to compile here. */
export function describeOutcome(outcome: PurchaseOutcome, context: MessageContext): PurchaseMessage {
  const { productName, formatInstant, outcomeUnknown = false } = context;
  const stillUnknown = 'Your earlier order is still not confirmed and may have gone through.';
  const base = { kind: outcome.kind, retry: false, signIn: false };
  switch (outcome.kind) {
    case 'success': {
      const { orderId, quantity } = outcome.result;
      return {
        kind: outcome.kind,
        tone: 'success',
        title: `You got it! Order confirmed.`,
        detail: `You bought ${quantity} × ${quoteName(productName)}.`,
        orderId,
        retry: false,
        signIn: false,
      };
    }
    case 'sold-out':
      return {
        kind: outcome.kind,
        tone: 'warning',
        title: 'Sold out',
        detail: `${soldOutSentence(productName)} Nothing was bought.`,
        retry: false,
        signIn: false,
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
        signIn: false,
      };
    }
    case 'not-found':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: 'This drop is no longer available',
        detail: 'The store does not know this product. Nothing was bought.',
        retry: false,
        signIn: false,
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
        signIn: false,
      };
    }
    case 'not-started':
      return {
        ...base,
        tone: 'warning',
        title: 'Not open yet',
        detail: `${outcome.startsAt ? `This drop opens ${formatInstant(outcome.startsAt)}.` : 'This drop has not opened yet.'} Nothing was bought; the page switches to live by itself.`,
      };
    case 'ended':
      return {
        ...base,
        tone: 'warning',
        title: 'This drop has ended',
        detail: `${outcome.endsAt ? `It closed ${formatInstant(outcome.endsAt)}.` : 'It is closed.'} Nothing was bought.`,
      };
    case 'paused':
      return {
        ...base,
        tone: 'warning',
        title: 'Drop paused',
        detail:
          'The seller has paused this drop for a moment. Nothing was bought; Buy now returns when it resumes.',
      };
    case 'limit-reached': {
      const { limit, bought, requested } = outcome;
      const holding =
        bought === null
          ? 'You already hold as many as one buyer may.'
          : `You already hold ${bought} ${plural(bought, 'unit', 'units')}${limit === null ? '' : ` of the ${limit} allowed per buyer`}.`;
      const more =
        limit !== null && bought !== null && bought < limit
          ? ` You can buy ${limit - bought} more, not ${requested}.`
          : '';
      return {
        ...base,
        tone: 'warning',
        title: 'Limit reached',
        detail: `${holding}${more} Nothing was bought.`,
      };
    }
    case 'auth-required':
      return {
        ...base,
        tone: 'warning',
        title: 'Sign in to buy',
        detail: `The drop ${quoteName(productName)} is limited per buyer, so you need to sign in first. Nothing was bought.`,
        signIn: true,
      };
    case 'unauthorized':
      return {
        ...base,
        tone: 'warning',
        title: 'Please sign in again',
        detail: outcomeUnknown
          ? `Your session has expired. ${stillUnknown} Sign in again, then press ${SAME_ORDER} to find out: it cannot buy twice.`
          : 'Your session has expired. Nothing was bought.',
        signIn: true,
      };
    case 'rate-limited': {
      const seconds = outcome.retryAfterSeconds;
      return {
        ...base,
        tone: 'warning',
        title: 'Too many attempts',
        detail: `${seconds === null ? 'Please wait a moment' : `Please wait ${seconds} ${plural(seconds, 'second', 'seconds')}`} before trying again. ${outcomeUnknown ? `${stillUnknown} ${SAME_ORDER} then sends the same order, so it cannot buy twice.` : 'Nothing was bought.'}`,
      };
    }
    case 'queue-pass': {
      const why = {
        required: 'This drop sells through its waiting room: join it, and buy when your turn comes.',
        expired: 'Your turn in the waiting room has run out.',
        invalid: 'Your waiting-room pass is not valid for this drop or for this account.',
        used: 'Your waiting-room pass has already been used to buy.',
      }[outcome.reason];
      return {
        ...base,
        tone: 'warning',
        title: outcome.reason === 'required' ? 'Join the waiting room first' : 'Your turn is over',
        detail: `${why} ${outcomeUnknown ? stillUnknown : 'Nothing was bought.'}`,
      };
    }
    case 'idempotency-mismatch':
      return {
        ...base,
        tone: 'error',
        title: 'This retry did not match your order',
        detail:
          'The store did not process it, so nothing more was bought. Press Buy now to place a new order.',
      };
    case 'in-progress':
      return {
        ...base,
        tone: 'warning',
        title: 'Your order is still being processed',
        detail: `Nothing is bought twice: press ${SAME_ORDER} in a moment to see how it ended.`,
      };
    case 'network':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: 'Could not reach the store',
        detail: `Your order was not confirmed and may have gone through. Check your connection, then press ${SAME_ORDER}: it sends the same order, so it cannot buy twice.`,
        retry: false,
        signIn: false,
      };
    case 'server': {
      const wait =
        outcome.retryAfterSeconds === null
          ? 'in a moment'
          : `in ${outcome.retryAfterSeconds} ${plural(outcome.retryAfterSeconds, 'second', 'seconds')}`;
      // After NOT_MADE nothing was sold: Try again may re-send it, and Buy now starts afresh. After
      // a maybe, Buy now re-sends this attempt with its Idempotency-Key: the answer is the first
      // decision's, never a second sale.
      return outcome.made === PurchaseFaultOutcome.NotMade
        ? {
            ...base,
            tone: 'warning',
            title: 'The store is busy',
            detail: `Nothing was bought. Please try again ${wait}.`,
            retry: true,
          }
        : {
            ...base,
            tone: 'error',
            title: 'Something went wrong on our side',
            detail: `Your order was not confirmed and may have gone through. Press ${SAME_ORDER} ${wait}: it sends the same order, so it cannot buy twice.`,
          };
    }
    case 'unknown':
      return {
        kind: outcome.kind,
        tone: 'error',
        title: outcome.problem?.title ?? 'The order could not be completed',
        detail:
          outcome.problem?.detail ?? `The store answered with status ${outcome.status}. Nothing was bought.`,
        retry: false,
        signIn: false,
      };
  }
}
