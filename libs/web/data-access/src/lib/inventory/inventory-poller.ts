import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, Inventory } from '@gtd/shared-contracts';
import { filter, map, Observable, shareReplay, startWith, Subject } from 'rxjs';
import {
  injectApiUrl,
  INVENTORY_MAX_BACKOFF_MS,
  INVENTORY_MAX_POLL_INTERVAL_MS,
  INVENTORY_POLL_INTERVAL_MS,
} from '../config/api-config';
import { documentVisible, PollCadence, pollCycle } from '../http/poll-cycle';
import { InventoryState } from './inventory-state';

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
  private readonly cadence: PollCadence = {
    intervalMs: inject(INVENTORY_POLL_INTERVAL_MS),
    maxIntervalMs: inject(INVENTORY_MAX_POLL_INTERVAL_MS),
    maxBackoffMs: inject(INVENTORY_MAX_BACKOFF_MS),
  };

  private readonly streams = new Map<number, Observable<InventoryState>>();
  private readonly refreshes = new Subject<number>();

  private readonly visible$ = documentVisible(this.document);

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
    return pollCycle({
      request: () => this.http.get<Inventory>(url, { cache: 'no-cache' }),
      pollAfterMs: (inventory) => inventory.pollAfterMs,
      cadence: this.cadence,
      visible$: this.visible$,
      refresh$: this.refreshes.pipe(filter((id) => id === productId)),
    }).pipe(
      map(
        (event): InventoryState =>
          event.kind === 'answer'
            ? {
                status: 'live',
                available: event.value.available,
                dropState: event.value.state,
                askedAtMs: event.askedAtMs,
              }
            : { status: 'reconnecting', failures: event.failures, retryInMs: event.retryInMs },
      ),
      startWith<InventoryState>({ status: 'loading' }),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }
}
