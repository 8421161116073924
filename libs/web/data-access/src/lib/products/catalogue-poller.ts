import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, Product } from '@gtd/shared-contracts';
import { Observable, scan, startWith, Subject } from 'rxjs';
import {
  CATALOGUE_POLL_INTERVAL_MS,
  injectApiUrl,
  INVENTORY_MAX_BACKOFF_MS,
  INVENTORY_MAX_POLL_INTERVAL_MS,
} from '../config/api-config';
import { documentVisible, PollEvent, pollCycle } from '../http/poll-cycle';

/** The home page's catalogue, as far as it is known. */
export type CatalogueState =
  | { readonly status: 'loading' }
  /** Never answered yet; the poller keeps trying. */
  | { readonly status: 'error'; readonly failures: number }
  /**
   * The products of the last answer, asked for at `asOfMs` (client clock). `stale`: the polls since
   * have failed, so the counts are as of then and the poller is reconnecting.
   */
  | {
      readonly status: 'ready';
      readonly products: readonly Product[];
      readonly asOfMs: number;
      readonly stale: boolean;
    };

/**
 * The catalogue after one poll: an answer replaces it; a failure keeps the last products, marked
 * stale with the time they are from (a card's count is a glance, and a stale one said to be stale
 * is more use than none), or is an error when there never were any.
 */
export function catalogueAfter(previous: CatalogueState, event: PollEvent<Product[]>): CatalogueState {
  if (event.kind === 'answer') {
    return { status: 'ready', products: event.value, asOfMs: event.askedAtMs, stale: false };
  }
  return previous.status === 'ready'
    ? { ...previous, stale: true }
    : { status: 'error', failures: event.failures };
}

/**
 * `GET /products`, polled while the home page is open: every `CATALOGUE_POLL_INTERVAL_MS` while
 * the tab is visible, backing off after failures (capped at `INVENTORY_MAX_BACKOFF_MS`) and back on
 * the next answer, revalidated with the browser cache (`no-cache`), as the live count is.
 */
@Injectable({ providedIn: 'root' })
export class CataloguePoller {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();
  private readonly document = inject(DOCUMENT);
  private readonly intervalMs = inject(CATALOGUE_POLL_INTERVAL_MS);
  private readonly maxBackoffMs = inject(INVENTORY_MAX_BACKOFF_MS);
  private readonly maxIntervalMs = inject(INVENTORY_MAX_POLL_INTERVAL_MS);
  private readonly refreshes = new Subject<void>();

  /** The catalogue, from `loading` on; one polling cycle per subscription. */
  watch(): Observable<CatalogueState> {
    return pollCycle({
      request: () => this.http.get<Product[]>(this.apiUrl(ApiRoutes.products), { cache: 'no-cache' }),
      pollAfterMs: () => undefined,
      cadence: {
        intervalMs: this.intervalMs,
        maxIntervalMs: this.maxIntervalMs,
        maxBackoffMs: Math.max(this.intervalMs, this.maxBackoffMs),
      },
      visible$: documentVisible(this.document),
      refresh$: this.refreshes,
    }).pipe(
      scan(catalogueAfter, { status: 'loading' } as CatalogueState),
      startWith<CatalogueState>({ status: 'loading' }),
    );
  }

  /** Asks now (Try again now), also cutting a back-off short. */
  refresh(): void {
    this.refreshes.next();
  }
}
