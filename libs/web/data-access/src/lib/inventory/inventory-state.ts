import type { DropState } from '@gtd/shared-contracts';

/** What the page knows about a product's live count. */
export type InventoryState =
  /** No answer yet. */
  | { readonly status: 'loading' }
  /** The last poll answered; `available` is current to within one poll interval. */
  | {
      readonly status: 'live';
      readonly available: number;
      /** Where the drop stood when the server answered. */
      readonly dropState: DropState;
      /**
       * When this poll was sent (client clock). An "upcoming" answer to a poll sent before the
       * opening says nothing about the time after it, so the page may open the drop by the clock.
       */
      readonly askedAtMs: number;
    }
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

/**
 * The wait before the next poll: the server's `pollAfterMs` when it asks for more than the
 * configured minimum (it slows the crowd under load), never less than the minimum (a server
 * cannot make clients hammer it) and never more than the cap. A missing or nonsensical value
 * falls back to the minimum.
 */
export function nextPollDelay(pollAfterMs: unknown, minMs: number, maxMs: number): number {
  if (typeof pollAfterMs !== 'number' || !Number.isFinite(pollAfterMs)) {
    return minMs;
  }
  return Math.min(Math.max(minMs, pollAfterMs), Math.max(minMs, maxMs));
}
