import { inject, Injectable, InjectionToken } from '@angular/core';
import { ApiRoutes } from '@gtd/shared-contracts';
import { injectApiUrl } from '@gtd/web-data-access';
import { Observable } from 'rxjs';
import { DEFAULT_SUMMARY_STREAM_TIMING, summaryStream, SummaryStreamEvent } from './summary-stream';

/** The fetch the stream reads with (a fake in specs). */
export const SUMMARY_STREAM_FETCH = new InjectionToken<typeof fetch>('SUMMARY_STREAM_FETCH', {
  providedIn: 'root',
  factory: () => (input, init) => globalThis.fetch(input, init),
});

/** Back-off and stall detection of the stream. */
export const SUMMARY_STREAM_TIMING = new InjectionToken<{
  retryMs: number;
  maxRetryMs: number;
  stallMs: number;
}>('SUMMARY_STREAM_TIMING', { providedIn: 'root', factory: () => DEFAULT_SUMMARY_STREAM_TIMING });

/** A drop's live sell-through for the console, from the API at `API_BASE_URL` (same origin by default). */
@Injectable({ providedIn: 'root' })
export class SummaryStream {
  private readonly apiUrl = injectApiUrl();
  private readonly fetch = inject(SUMMARY_STREAM_FETCH);
  private readonly timing = inject(SUMMARY_STREAM_TIMING);

  /** Cold: each subscription opens one connection, and closes it when unsubscribed. */
  watch(productId: number, token: string): Observable<SummaryStreamEvent> {
    return summaryStream({
      url: this.apiUrl(ApiRoutes.admin.summaryStream(productId)),
      token,
      fetch: this.fetch,
      ...this.timing,
    });
  }
}
