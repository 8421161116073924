import { DropSummary, ErrorCode } from '@gtd/shared-contracts';

/** The attempts that bought something: the outcome key is the metric's (`gtd_purchases_total{outcome="sold"}`). */
export const SOLD = 'sold';

/**
 * The order outcomes are drawn and listed in: the sale first, then the refusals a rush produces
 * most, then the rest. Codes not listed (added to the API later) follow in alphabetical order.
 */
const OUTCOME_ORDER: readonly string[] = [
  SOLD,
  ErrorCode.SoldOut,
  ErrorCode.InsufficientStock,
  ErrorCode.LimitReached,
  ErrorCode.AuthRequired,
  ErrorCode.RateLimited,
  ErrorCode.NotStarted,
  ErrorCode.Paused,
  ErrorCode.Ended,
];

const LABELS: Readonly<Record<string, string>> = {
  [SOLD]: 'Sold',
  [ErrorCode.SoldOut]: 'Sold out',
  [ErrorCode.InsufficientStock]: 'Not enough left',
  [ErrorCode.LimitReached]: 'Limit reached',
  [ErrorCode.AuthRequired]: 'Sign-in required',
  [ErrorCode.RateLimited]: 'Rate limited',
  [ErrorCode.NotStarted]: 'Not started',
  [ErrorCode.Paused]: 'Paused',
  [ErrorCode.Ended]: 'Ended',
};

/** What the console calls an outcome: `SOLD_OUT` → "Sold out"; an unknown code reads as itself, spaced. */
export function outcomeLabel(outcome: string): string {
  const label = LABELS[outcome];
  if (label) return label;
  const words = outcome.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function compareOutcomes(a: string, b: string): number {
  const rank = (outcome: string) => {
    const i = OUTCOME_ORDER.indexOf(outcome);
    return i === -1 ? OUTCOME_ORDER.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * A summary's cumulative count of one outcome. Successful attempts are `orders` (one order per
 * purchase that sold), not `sold` (units): a purchase of 3 is one attempt, like each refusal.
 */
export function outcomeCount(summary: DropSummary, outcome: string): number {
  if (outcome === SOLD) return summary.orders;
  const count = (summary.rejects as Record<string, number | undefined>)[outcome];
  return typeof count === 'number' && Number.isFinite(count) ? count : 0;
}

/** The outcomes a summary reports: the sale, and every reject code it carries. */
export function outcomesOf(summary: DropSummary): string[] {
  return [SOLD, ...Object.keys(summary.rejects)];
}
