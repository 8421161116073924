import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider } from '@angular/core';
import {
  problemType,
  type AuthSession,
  type ProblemDetails,
  type Product,
  type QueueStatus,
} from '@gtd/shared-contracts';
import { bearerTokenInterceptor } from './lib/auth/bearer-token';
import { SESSION_STORAGE } from './lib/auth/buyer-session';
import { CATALOGUE_POLL_INTERVAL_MS, INVENTORY_POLL_INTERVAL_MS } from './lib/config/api-config';
import { LOCAL_STORAGE } from './lib/orders/order-history';
import { IDEMPOTENCY_KEY_FACTORY } from './lib/purchase/idempotency-key';

/*
 * What specs need of the storefront's data access (`@gtd/web-data-access/testing`; never imported
 * by production code): the API's answers, and the data access wired to `HttpTestingController`.
 */

/** A problem+json body as the API sends it; `detail` reads `detail of <code>` unless `extra` says otherwise. */
export function problem(status: number, code: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  // Specs also send codes this client does not know (yet): the cast lets them.
  return {
    type: problemType(code),
    title: code,
    status,
    detail: `detail of ${code}`,
    code,
    ...extra,
  } as ProblemDetails;
}

/** The session `POST /auth/sign-in` starts for the buyer `b-1` (ada@example.com). */
export function buyerSession(accessToken = 'token-1', expiresIn = 3600): AuthSession {
  return { accessToken, tokenType: 'Bearer', expiresIn, buyer: { id: 'b-1', email: 'ada@example.com' } };
}

/** Product 1 as `GET /products/1` answers it: live, 10 of 100 left, up to 5 per order, no limit. */
export const GOLDEN_TICKET: Product = {
  id: 1,
  name: 'Golden Ticket',
  description: 'A pass to the factory.',
  price: 5000,
  currency: 'EUR',
  stock: 100,
  available: 10,
  maxQuantityPerPurchase: 5,
  startsAt: null,
  endsAt: null,
  perBuyerLimit: null,
  state: 'live',
};

/**
 * The data access against `HttpTestingController`, with the bearer interceptor installed, no
 * session or local storage, purchase keys `key-1`, `key-2`… and no timed polls (only explicit refreshes
 * poll: the cadence is the poller's own spec).
 */
export function provideDataAccessTesting(): (Provider | EnvironmentProviders)[] {
  let keys = 0;
  return [
    provideHttpClient(withInterceptors([bearerTokenInterceptor])),
    provideHttpClientTesting(),
    { provide: INVENTORY_POLL_INTERVAL_MS, useValue: 3_600_000 },
    { provide: CATALOGUE_POLL_INTERVAL_MS, useValue: 3_600_000 },
    { provide: SESSION_STORAGE, useValue: null },
    { provide: LOCAL_STORAGE, useValue: null },
    { provide: IDEMPOTENCY_KEY_FACTORY, useValue: () => `key-${++keys}` },
  ];
}

/** A waiting room's public status: admitting, nobody in line, 10 left; `over` sets the rest. */
export function queueStatus(over: Partial<QueueStatus> = {}): QueueStatus {
  return {
    productId: 1,
    state: 'admitting',
    preQueueOpensAt: null,
    opensAt: null,
    admittedThrough: 0,
    joined: 0,
    waiting: 0,
    available: 10,
    admissionsPerMinute: 60,
    passLifetimeSeconds: 300,
    order: 'random',
    requireSignIn: false,
    proofOfWork: false,
    pollAfterMs: 1000,
    asOf: '2030-01-01T10:00:00.000Z',
    ...over,
  };
}
