/** What the page knows about a product's live count. */
export type InventoryState =
  /** No answer yet. */
  | { readonly status: 'loading' }
  /** The last poll answered; `available` is current to within one poll interval. */
  | { readonly status: 'live'; readonly available: number }
  /**
   * The last poll failed. The stream deliberately carries no number here: a stale count during a
   * drop is worse than none.
   */
  | {
      readonly status: 'reconnecting';
      /** Consecutive failed polls. */
      readonly failures: number;
      /** When the next attempt is due, in milliseconds from the failure. */
      readonly retryInMs: number;
    };

/** Exponential backoff: interval × 2^(failures − 1), capped. */
export function backoffDelay(failures: number, intervalMs: number, maxMs: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 16));
  return Math.min(intervalMs * 2 ** exponent, maxMs);
}
