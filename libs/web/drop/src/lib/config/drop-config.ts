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

/** How often the live count is polled while the tab is visible, in milliseconds. */
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

export interface DropApiOptions {
  baseUrl?: string;
  pollIntervalMs?: number;
  maxBackoffMs?: number;
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
  return providers;
}
