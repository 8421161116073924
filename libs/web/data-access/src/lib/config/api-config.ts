import { inject, InjectionToken, Provider } from '@angular/core';

/** A root-provided setting with its default; `provideStorefrontApi` overrides it. */
function setting<T>(name: string, defaultValue: T): InjectionToken<T> {
  return new InjectionToken<T>(name, { providedIn: 'root', factory: () => defaultValue });
}

/**
 * Origin (and optional path prefix) of the Golden Ticket Drop API, without a trailing slash.
 * The default `''` means "same origin": the production build is served by the API itself, and
 * `nx serve web` proxies the API routes, so relative URLs work in both.
 */
export const API_BASE_URL = setting('API_BASE_URL', '');

/** Where an API route is: `apiUrl(ApiRoutes.buy)`. Call it in an injection context (a field initialiser). */
export function injectApiUrl(): (route: string) => string {
  const baseUrl = inject(API_BASE_URL);
  return (route) => `${baseUrl}${route}`;
}

/**
 * How often the live count is polled while the tab is visible, in milliseconds: the fastest cadence.
 * The server may ask for a slower one with `pollAfterMs`.
 */
export const INVENTORY_POLL_INTERVAL_MS = setting('INVENTORY_POLL_INTERVAL_MS', 2000);

/**
 * Upper bound of the exponential backoff after failed polls, in milliseconds. Kept short: during a
 * drop a buyer must not sit behind a long back-off once the API is back.
 */
export const INVENTORY_MAX_BACKOFF_MS = setting('INVENTORY_MAX_BACKOFF_MS', 10_000);

/**
 * Upper bound of the poll interval the server may ask for with `pollAfterMs`: the server slows the
 * crowd under load, but a misconfigured answer must not leave a buyer's count frozen for hours.
 */
export const INVENTORY_MAX_POLL_INTERVAL_MS = setting('INVENTORY_MAX_POLL_INTERVAL_MS', 60_000);

/**
 * How often the home page asks for the catalogue again, so its counts do not freeze at the first
 * answer; slower than a drop page's count, since a card's count is a glance, not a race.
 */
export const CATALOGUE_POLL_INTERVAL_MS = setting('CATALOGUE_POLL_INTERVAL_MS', 10_000);

/**
 * How long Buy now waits for an answer before it reports a network failure and offers Retry. A
 * connection can be lost without an error (a worker that died while the connection was handed to
 * it); the retry carries the same `Idempotency-Key`, so it can never buy twice.
 */
export const PURCHASE_TIMEOUT_MS = setting('PURCHASE_TIMEOUT_MS', 20_000);

export interface StorefrontApiOptions {
  baseUrl?: string;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  maxPollIntervalMs?: number;
  purchaseTimeoutMs?: number;
  catalogueIntervalMs?: number;
}

/** Overrides the data-access defaults, e.g. `provideStorefrontApi({ baseUrl: 'https://api.example' })`. */
export function provideStorefrontApi(options: StorefrontApiOptions = {}): Provider[] {
  const overrides: [InjectionToken<unknown>, unknown][] = [
    [API_BASE_URL, options.baseUrl?.replace(/\/+$/, '')],
    [INVENTORY_POLL_INTERVAL_MS, options.pollIntervalMs],
    [INVENTORY_MAX_BACKOFF_MS, options.maxBackoffMs],
    [INVENTORY_MAX_POLL_INTERVAL_MS, options.maxPollIntervalMs],
    [PURCHASE_TIMEOUT_MS, options.purchaseTimeoutMs],
    [CATALOGUE_POLL_INTERVAL_MS, options.catalogueIntervalMs],
  ];
  return overrides
    .filter(([, value]) => value !== undefined)
    .map(([provide, useValue]) => ({ provide, useValue }));
}
