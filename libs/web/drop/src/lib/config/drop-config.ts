import { InjectionToken, Provider } from '@angular/core';

/**
 * Origin (and optional path prefix) of the Golden Ticket Drop API, without a trailing slash.
 * The default `''` means "same origin": the production build is served by the API itself, and
 * `nx serve web` proxies the API routes, so relative URLs work in both.
 */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', {
  providedIn: 'root',
  factory: () => '',
});

/**
 * How often the live count is polled while the tab is visible, in milliseconds: the fastest cadence.
 * The server may ask for a slower one with `pollAfterMs`.
 */
export const INVENTORY_POLL_INTERVAL_MS = new InjectionToken<number>('INVENTORY_POLL_INTERVAL_MS', {
  providedIn: 'root',
  factory: () => 2000,
});

/**
 * Upper bound of the exponential backoff after failed polls, in milliseconds. Kept short: during a
 * drop a buyer must not sit behind a long back-off once the API is back.
 */
export const INVENTORY_MAX_BACKOFF_MS = new InjectionToken<number>('INVENTORY_MAX_BACKOFF_MS', {
  providedIn: 'root',
  factory: () => 10_000,
});

/**
 * Upper bound of the poll interval the server may ask for with `pollAfterMs`: the server slows the
 * crowd under load, but a misconfigured answer must not leave a buyer's count frozen for hours.
 */
export const INVENTORY_MAX_POLL_INTERVAL_MS = new InjectionToken<number>('INVENTORY_MAX_POLL_INTERVAL_MS', {
  providedIn: 'root',
  factory: () => 60_000,
});

/**
 * How long Buy now waits for an answer before it reports a network failure and offers Retry. A
 * connection can be lost without an error (a worker that died while the connection was handed to
 * it); the retry carries the same `Idempotency-Key`, so it can never buy twice.
 */
export const PURCHASE_TIMEOUT_MS = new InjectionToken<number>('PURCHASE_TIMEOUT_MS', {
  providedIn: 'root',
  factory: () => 20_000,
});

export interface DropApiOptions {
  baseUrl?: string;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  maxPollIntervalMs?: number;
  purchaseTimeoutMs?: number;
}

/** Overrides the data-access defaults, e.g. `provideDropApi({ baseUrl: 'https://api.example' })`. */
export function provideDropApi(options: DropApiOptions = {}): Provider[] {
  const providers: Provider[] = [];
  if (options.baseUrl !== undefined) {
    providers.push({
      provide: API_BASE_URL,
      useValue: options.baseUrl.replace(/\/+$/, ''),
    });
  }
  if (options.pollIntervalMs !== undefined) {
    providers.push({
      provide: INVENTORY_POLL_INTERVAL_MS,
      useValue: options.pollIntervalMs,
    });
  }
  if (options.maxBackoffMs !== undefined) {
    providers.push({
      provide: INVENTORY_MAX_BACKOFF_MS,
      useValue: options.maxBackoffMs,
    });
  }
  if (options.maxPollIntervalMs !== undefined) {
    providers.push({
      provide: INVENTORY_MAX_POLL_INTERVAL_MS,
      useValue: options.maxPollIntervalMs,
    });
  }
  if (options.purchaseTimeoutMs !== undefined) {
    providers.push({
      provide: PURCHASE_TIMEOUT_MS,
      useValue: options.purchaseTimeoutMs,
    });
  }
  return providers;
}
