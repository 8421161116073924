import { DropSummary } from '@gtd/shared-contracts';
import { backoffDelay } from '@gtd/web-data-access';
import { Observable } from 'rxjs';
import { SseParser } from './sse-parser';

/** What the stream reports, in order: connection changes and each summary. */
export type SummaryStreamEvent =
  /** The response arrived (200, an event stream): the connection is open. */
  | { readonly kind: 'open' }
  | { readonly kind: 'summary'; readonly summary: DropSummary }
  /** The connection failed or dropped; the next attempt starts after `retryInMs`. */
  | {
      readonly kind: 'reconnecting';
      readonly failures: number;
      readonly retryInMs: number;
      readonly reason: string;
    }
  /** 401: the token was refused. Final: retrying with the same token cannot help. */
  | { readonly kind: 'unauthorized' }
  /** 404: no such drop. Final. */
  | { readonly kind: 'not-found' }
  /** Another 4xx (403 ADMIN_DISABLED, 400 for a malformed id), with the problem's `code` when it had one. Final. */
  | { readonly kind: 'refused'; readonly status: number; readonly code: string | undefined };

export interface SummaryStreamOptions {
  readonly url: string;
  readonly token: string;
  readonly fetch: typeof fetch;
  /** The first retry's delay; doubled after each further failure. */
  readonly retryMs: number;
  readonly maxRetryMs: number;
  /**
   * Silence (no byte at all) after which the connection is taken for dead and opened again. The
   * server sends a comment every 15 s, so only a half-open connection (a laptop's Wi-Fi changed,
   * a proxy dropped it) stays silent this long, and fetch would never notice it by itself.
   */
  readonly stallMs: number;
}

export const DEFAULT_SUMMARY_STREAM_TIMING = { retryMs: 1_000, maxRetryMs: 30_000, stallMs: 45_000 } as const;

/** Statuses worth another try: the server or a proxy in front of it will likely answer later. */
const RETRIED_STATUSES = new Set([408, 425, 429]);

/** A failure that ends this connection and schedules the next. */
class ConnectionLost extends Error {}

/**
 * `GET /admin/products/{id}/summary/stream` read with fetch, so the operator token travels in the
 * `Authorization` header (EventSource cannot send one, and a token in the URL would land in access
 * logs). Cold: each subscription opens its own connection; unsubscribing aborts it. After a
 * network error, a 5xx (or 408/425/429), the stream's end or a stall it reconnects with
 * exponential back-off (reset by the next summary); a 401, 404 or other 4xx ends it.
 */
export function summaryStream(options: SummaryStreamOptions): Observable<SummaryStreamEvent> {
  const { url, token, retryMs, maxRetryMs, stallMs } = options;
  const fetchFn = options.fetch;
  return new Observable<SummaryStreamEvent>((subscriber) => {
    let closed = false;
    let failures = 0;
    let controller: AbortController | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let stallTimer: ReturnType<typeof setTimeout> | undefined;

    const watchForStall = () => {
      clearTimeout(stallTimer);
      const current = controller;
      stallTimer = setTimeout(() => current?.abort(new ConnectionLost(`no data for ${stallMs} ms`)), stallMs);
    };

    const finish = (event: SummaryStreamEvent) => {
      closed = true;
      subscriber.next(event);
      subscriber.complete();
    };

    const read = async (response: Response): Promise<never> => {
      const body = response.body;
      if (!body) throw new ConnectionLost('the response has no body');
      const reader = body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      for (;;) {
        const { done, value } = await reader.read();
        if (closed) throw new ConnectionLost('closed');
        if (done) throw new ConnectionLost('the server ended the stream');
        watchForStall();
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          if (event.type !== 'message') continue;
          const summary = parseSummary(event.data);
          if (!summary) continue;
          failures = 0;
          subscriber.next({ kind: 'summary', summary });
        }
      }
    };

    const connect = async () => {
      controller = new AbortController();
      try {
        const response = await fetchFn(url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: controller.signal,
        });
        if (closed) return;
        if (response.status === 401) return finish({ kind: 'unauthorized' });
        if (response.status === 404) return finish({ kind: 'not-found' });
        if (response.status >= 400 && response.status < 500 && !RETRIED_STATUSES.has(response.status)) {
          return finish({ kind: 'refused', status: response.status, code: await problemCode(response) });
        }
        if (!response.ok) throw new ConnectionLost(`HTTP ${response.status}`);
        if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
          throw new ConnectionLost('the answer is not an event stream');
        }
        subscriber.next({ kind: 'open' });
        watchForStall();
        await read(response);
      } catch (error) {
        if (closed) return;
        clearTimeout(stallTimer);
        controller?.abort();
        failures++;
        const retryInMs = backoffDelay(failures, retryMs, maxRetryMs);
        subscriber.next({ kind: 'reconnecting', failures, retryInMs, reason: describe(error, controller) });
        retryTimer = setTimeout(() => void connect(), retryInMs);
      }
    };

    void connect();
    return () => {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(stallTimer);
      controller?.abort();
    };
  });
}

function describe(error: unknown, controller: AbortController | undefined): string {
  // A stall aborts with a ConnectionLost reason; the failed read then rejects with that reason.
  const reason = controller?.signal.reason;
  if (reason instanceof ConnectionLost) return reason.message;
  return error instanceof Error ? error.message : String(error);
}

async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const problem: unknown = await response.json();
    const code = (problem as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** A summary, or undefined for data that is not one (the event is skipped, the stream goes on). */
export function parseSummary(data: string): DropSummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const summary = value as Partial<DropSummary>;
  const counters = [summary.stock, summary.sold, summary.available, summary.orders, summary.buyers];
  if (!counters.every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
  if (typeof summary.rejects !== 'object' || summary.rejects === null) return undefined;
  return summary as DropSummary;
}
