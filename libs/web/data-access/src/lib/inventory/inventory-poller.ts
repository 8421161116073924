import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, Inventory } from '@gtd/shared-contracts';
import {
  catchError,
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  filter,
  fromEvent,
  map,
  Observable,
  of,
  race,
  repeat,
  retry,
  shareReplay,
  startWith,
  Subject,
  switchMap,
  throwError,
  timer,
} from 'rxjs';
import {
  injectApiUrl,
  INVENTORY_MAX_BACKOFF_MS,
  INVENTORY_MAX_POLL_INTERVAL_MS,
  INVENTORY_POLL_INTERVAL_MS,
} from '../config/api-config';
import { backoffDelay, InventoryState, nextPollDelay } from './inventory-state';

/** Carries the back-off delay from the failed poll to `retry`. */
class PollFailed extends Error {
  constructor(readonly retryInMs: number) {
    super(`inventory poll failed; retrying in ${retryInMs} ms`);
  }
}

/**
 * The live count of a product, polled from `GET /products/{id}/inventory`.
 *
 * - timer-driven, first poll at once, then every `INVENTORY_POLL_INTERVAL_MS` (2 s by default) or
 *   the server's `pollAfterMs` when that is longer (capped by `INVENTORY_MAX_POLL_INTERVAL_MS`), so
 *   the server can slow the crowd's polling under load;
 * - one stream per product shared by every subscriber (`shareReplay` with `refCount`), so ten
 *   widgets showing the count cost one request per tick, and the last state replays to late
 *   subscribers;
 * - paused while the document is hidden, polled at once when it becomes visible again;
 * - never overlapping: the wait for the next poll starts when the answer arrives, and refreshes
 *   asked for while a request is in flight are ignored, so a slow answer is never overtaken by a
 *   newer one arriving first;
 * - revalidating: every poll is sent with `cache: 'no-cache'`, so the browser asks the server (or a
 *   CDN) with `If-None-Match` and a 304 costs almost nothing, yet a count is never served from a
 *   stale cache entry (it must be current right after a purchase);
 * - on failure it emits `reconnecting` (never a stale number) and retries with exponential
 *   backoff, resetting after the next success;
 * - stops when the last subscriber leaves (pages subscribe with `takeUntilDestroyed`).
 */
@Injectable({ providedIn: 'root' })
export class InventoryPoller {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();
  private readonly document = inject(DOCUMENT);
  /** The fastest cadence, the longest wait the server may ask for, the longest back-off. */
  private readonly cadence = {
    intervalMs: inject(INVENTORY_POLL_INTERVAL_MS),
    maxIntervalMs: inject(INVENTORY_MAX_POLL_INTERVAL_MS),
    maxBackoffMs: inject(INVENTORY_MAX_BACKOFF_MS),
  };

  private readonly streams = new Map<number, Observable<InventoryState>>();
  private readonly refreshes = new Subject<number>();

  /** `true` while the page is visible; emits the current value first. */
  private readonly visible$ = defer(() =>
    fromEvent(this.document, 'visibilitychange').pipe(
      startWith(null),
      map(() => this.document.visibilityState !== 'hidden'),
      distinctUntilChanged(),
    ),
  );

  /** The shared live-count stream of one product. */
  watch(productId: number): Observable<InventoryState> {
    let stream = this.streams.get(productId);
    if (!stream) {
      stream = this.createStream(productId);
      this.streams.set(productId, stream);
    }
    return stream;
  }

  /**
   * Polls now instead of waiting for the next tick (e.g. right after a purchase answer), also
   * cutting a back-off short. Ignored while a poll is already in flight.
   */
  refresh(productId: number): void {
    this.refreshes.next(productId);
  }

  private createStream(productId: number): Observable<InventoryState> {
    const url = this.apiUrl(ApiRoutes.inventory(productId));
    const refresh$ = this.refreshes.pipe(filter((id) => id === productId));
    const { intervalMs, maxIntervalMs, maxBackoffMs } = this.cadence;

    return defer(() => {
      // Consecutive failures of this subscription; reset by any success.
      let failures = 0;
      // The wait before the next poll, as the last answer asked for.
      let nextDelayMs = intervalMs;

      const poll$: Observable<InventoryState> = defer(() => {
        const askedAtMs = Date.now();
        return this.http.get<Inventory>(url, { cache: 'no-cache' }).pipe(
          map((inventory): InventoryState => {
            failures = 0;
            nextDelayMs = nextPollDelay(inventory.pollAfterMs, intervalMs, maxIntervalMs);
            return {
              status: 'live',
              available: inventory.available,
              dropState: inventory.state,
              askedAtMs,
            };
          }),
        );
      }).pipe(
        catchError(() => {
          failures += 1;
          const retryInMs = backoffDelay(failures, intervalMs, maxBackoffMs);
          return concat(
            of<InventoryState>({ status: 'reconnecting', failures, retryInMs }),
            throwError(() => new PollFailed(retryInMs)),
          );
        }),
      );

      // Poll, wait, poll again; a refresh cuts the wait short.
      const cycle$ = poll$.pipe(repeat({ delay: () => race(timer(nextDelayMs), refresh$) }));

      return this.visible$.pipe(
        switchMap((visible) => (visible ? cycle$ : EMPTY)),
        // Resubscribing restarts the cycle, so the first attempt after the back-off is immediate.
        retry({
          delay: (error: unknown) =>
            race(timer(error instanceof PollFailed ? error.retryInMs : intervalMs), refresh$),
        }),
        startWith<InventoryState>({ status: 'loading' }),
      );
    }).pipe(shareReplay({ bufferSize: 1, refCount: true }));
  }
}
