import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { QUEUE_PASS_HEADER } from '@gtd/shared-contracts';
import { problem } from '../../testing';
import { PURCHASE_TIMEOUT_MS } from '../config/api-config';
import { IDEMPOTENCY_KEY_FACTORY, newIdempotencyKey } from './idempotency-key';
import { IDEMPOTENCY_KEY_HEADER, PurchaseClient } from './purchase-client';
import { PurchaseAttempt, PurchaseOutcome } from './purchase-outcome';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('PurchaseClient', () => {
  let client: PurchaseClient;
  let http: HttpTestingController;
  let keys: number;

  beforeEach(() => {
    keys = 0;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: IDEMPOTENCY_KEY_FACTORY, useValue: () => `key-${++keys}` },
        { provide: PURCHASE_TIMEOUT_MS, useValue: 15_000 },
      ],
    });
    client = TestBed.inject(PurchaseClient);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  function send(attempt: PurchaseAttempt): PurchaseOutcome[] {
    const outcomes: PurchaseOutcome[] = [];
    client.send(attempt).subscribe({
      next: (o) => outcomes.push(o),
      error: (e: unknown) => outcomes.push({ thrown: e } as never),
    });
    return outcomes;
  }

  function buy(quantity = 2): PurchaseOutcome[] {
    return send(client.attempt({ productId: 1, quantity }));
  }

  function answer(status: number, body: unknown, headers: Record<string, string> = {}): TestRequest {
    const req = http.expectOne('/buy');
    expect(req.request.method).toBe('POST');
    req.flush(body, { status, statusText: status < 400 ? 'OK' : 'Error', headers });
    return req;
  }

  /** The outcome of one Buy now answered with `status`, `body` and `headers`. */
  function outcomeOf(status: number, body: unknown, headers: Record<string, string> = {}): PurchaseOutcome {
    const outcomes = buy();
    answer(status, body, headers);
    return outcomes[0];
  }

  it('never errors: every outcome arrives as a value', () => {
    const outcomes = buy();
    http.expectOne('/buy').error(new ProgressEvent('error'));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).not.toHaveProperty('thrown');
  });

  it('posts the request to the same origin and answers success with the result', () => {
    const outcomes = buy(2);
    const req = http.expectOne('/buy');
    expect(req.request.body).toEqual({ productId: 1, quantity: 2 });
    const result = { orderId: 'o-1', productId: 1, quantity: 2, remaining: 8 };
    req.flush(result, { status: 201, statusText: 'Created' });
    expect(outcomes).toEqual([{ kind: 'success', result }]);
  });

  describe('Idempotency-Key', () => {
    it('gives each attempt its own key and sends it in the header', () => {
      const first = client.attempt({ productId: 1, quantity: 1 });
      const second = client.attempt({ productId: 1, quantity: 1 });
      expect(first.idempotencyKey).toBe('key-1');
      expect(second.idempotencyKey).toBe('key-2');

      send(first);
      const req = http.expectOne('/buy');
      expect(req.request.headers.get(IDEMPOTENCY_KEY_HEADER)).toBe('key-1');
      req.flush({ orderId: 'o-1', productId: 1, quantity: 1, remaining: 9 });
    });

    it('re-sends the same key when an attempt is retried after a network failure', () => {
      const attempt = client.attempt({ productId: 1, quantity: 2 });
      const firstTry = send(attempt);
      const lost = http.expectOne('/buy');
      expect(lost.request.headers.get(IDEMPOTENCY_KEY_HEADER)).toBe('key-1');
      lost.error(new ProgressEvent('error'));
      expect(firstTry).toEqual([{ kind: 'network' }]);

      const retried = send(attempt);
      const again = http.expectOne('/buy');
      expect(again.request.headers.get(IDEMPOTENCY_KEY_HEADER)).toBe('key-1');
      expect(again.request.body).toEqual({ productId: 1, quantity: 2 });
      // The server replays the first decision: the same order, nothing sold twice.
      again.flush({ orderId: 'o-1', productId: 1, quantity: 2, remaining: 8 });
      expect(retried).toEqual([
        { kind: 'success', result: { orderId: 'o-1', productId: 1, quantity: 2, remaining: 8 } },
      ]);
      expect(keys).toBe(1);
    });

    it('is a random v4 UUID by default, from crypto.randomUUID or, outside secure contexts, getRandomValues', () => {
      const a = newIdempotencyKey();
      expect(a).toMatch(UUID_V4);
      expect(newIdempotencyKey()).not.toBe(a);

      const randomUUID = crypto.randomUUID;
      Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
      try {
        const fallback = newIdempotencyKey();
        expect(fallback).toMatch(UUID_V4);
        expect(newIdempotencyKey()).not.toBe(fallback);
      } finally {
        Object.defineProperty(crypto, 'randomUUID', { value: randomUUID, configurable: true });
      }
    });
  });

  it('sends with the purchase timeout, so a hung connection ends as a network failure (retry is safe)', () => {
    const outcomes = buy();
    const req = http.expectOne('/buy');
    expect(req.request.timeout).toBe(15_000);
    // What HttpClient's fetch backend raises when the timeout aborts the request.
    req.error(new ProgressEvent('timeout'), { status: 0, statusText: 'Request timeout' });
    expect(outcomes).toEqual([{ kind: 'network' }]);
  });

  it('treats a success whose body could not be read as a lost answer', () => {
    const outcomes = buy();
    http.expectOne('/buy').error(new ProgressEvent('error'), { status: 201, statusText: 'Created' });
    expect(outcomes).toEqual([{ kind: 'network' }]);
  });

  it('maps SOLD_OUT', () => {
    expect(outcomeOf(409, problem(409, 'SOLD_OUT'))).toMatchObject({ kind: 'sold-out' });
  });

  it('maps INSUFFICIENT_STOCK with what is left and what was asked', () => {
    const outcomes = buy(3);
    answer(409, problem(409, 'INSUFFICIENT_STOCK', { available: 2 }));
    expect(outcomes[0]).toMatchObject({
      kind: 'insufficient-stock',
      requested: 3,
      available: 2,
    });
  });

  it('maps INSUFFICIENT_STOCK without a count to an unknown count', () => {
    const outcomes = buy(3);
    answer(409, problem(409, 'INSUFFICIENT_STOCK'));
    expect(outcomes[0]).toMatchObject({
      kind: 'insufficient-stock',
      available: null,
    });
  });

  it('maps PRODUCT_NOT_FOUND', () => {
    expect(outcomeOf(404, problem(404, 'PRODUCT_NOT_FOUND'))).toMatchObject({ kind: 'not-found' });
  });

  it('maps NOT_STARTED with when the drop opens', () => {
    expect(
      outcomeOf(409, problem(409, 'NOT_STARTED', { startsAt: '2030-01-01T10:00:00.000Z' })),
    ).toMatchObject({ kind: 'not-started', startsAt: '2030-01-01T10:00:00.000Z' });
  });

  it('maps ENDED with when the drop closed', () => {
    expect(outcomeOf(409, problem(409, 'ENDED', { endsAt: '2030-01-02T10:00:00.000Z' }))).toMatchObject({
      kind: 'ended',
      endsAt: '2030-01-02T10:00:00.000Z',
    });
  });

  it('maps PAUSED', () => {
    expect(outcomeOf(409, problem(409, 'PAUSED'))).toMatchObject({ kind: 'paused' });
  });

  it('maps LIMIT_REACHED with the limit, what the buyer holds and what was asked', () => {
    const outcomes = buy(2);
    answer(409, problem(409, 'LIMIT_REACHED', { limit: 2, bought: 1 }));
    expect(outcomes[0]).toMatchObject({ kind: 'limit-reached', requested: 2, limit: 2, bought: 1 });
  });

  it('maps LIMIT_REACHED without figures to unknown figures', () => {
    expect(outcomeOf(409, problem(409, 'LIMIT_REACHED'))).toMatchObject({
      kind: 'limit-reached',
      limit: null,
      bought: null,
    });
  });

  it('maps AUTH_REQUIRED and UNAUTHORIZED apart (sign in, sign in again)', () => {
    expect(outcomeOf(401, problem(401, 'AUTH_REQUIRED'))).toMatchObject({ kind: 'auth-required' });
    expect(outcomeOf(401, problem(401, 'UNAUTHORIZED'))).toMatchObject({ kind: 'unauthorized' });
  });

  it.each([
    ['QUEUE_PASS_REQUIRED', 'required'],
    ['QUEUE_PASS_EXPIRED', 'expired'],
    ['QUEUE_PASS_INVALID', 'invalid'],
    ['QUEUE_PASS_USED', 'used'],
  ])('maps %s to the pass refused as %s', (code, reason) => {
    expect(outcomeOf(403, problem(403, code))).toMatchObject({ kind: 'queue-pass', reason });
  });

  describe('Queue-Pass', () => {
    it('is sent when the buyer holds a pass, with the key as always', () => {
      send(client.attempt({ productId: 1, quantity: 1 }));
      const plain = http.expectOne('/buy');
      expect(plain.request.headers.has(QUEUE_PASS_HEADER)).toBe(false);
      plain.flush({ orderId: 'o-1', productId: 1, quantity: 1, remaining: 9 });

      client.send(client.attempt({ productId: 1, quantity: 1 }), 'pass-1').subscribe();
      const req = http.expectOne('/buy');
      expect(req.request.headers.get(QUEUE_PASS_HEADER)).toBe('pass-1');
      expect(req.request.headers.get(IDEMPOTENCY_KEY_HEADER)).toBe('key-2');
      req.flush({ orderId: 'o-2', productId: 1, quantity: 1, remaining: 8 });
    });
  });

  it('maps RATE_LIMITED with the seconds from Retry-After', () => {
    expect(
      outcomeOf(429, problem(429, 'RATE_LIMITED', { retryAfterSeconds: 99 }), { 'Retry-After': '17' }),
    ).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 17 });
  });

  it('reads a Retry-After date, and falls back to the body when the header is missing', () => {
    jest.useFakeTimers({ now: Date.parse('2030-01-01T10:00:00.000Z') });
    try {
      const dated = buy();
      answer(429, problem(429, 'RATE_LIMITED'), { 'Retry-After': 'Tue, 01 Jan 2030 10:00:30 GMT' });
      expect(dated[0]).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 30 });
    } finally {
      jest.useRealTimers();
    }
    const fromBody = buy();
    answer(429, problem(429, 'RATE_LIMITED', { retryAfterSeconds: 12 }));
    expect(fromBody[0]).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 12 });
  });

  it('maps a bare 429 from a proxy to rate limited without a delay', () => {
    expect(outcomeOf(429, 'Too Many Requests')).toEqual({
      kind: 'rate-limited',
      retryAfterSeconds: null,
      problem: null,
    });
  });

  it('maps IDEMPOTENCY_KEY_MISMATCH and IDEMPOTENCY_KEY_IN_USE', () => {
    expect(outcomeOf(422, problem(422, 'IDEMPOTENCY_KEY_MISMATCH'))).toMatchObject({
      kind: 'idempotency-mismatch',
    });
    expect(outcomeOf(409, problem(409, 'IDEMPOTENCY_KEY_IN_USE'))).toMatchObject({ kind: 'in-progress' });
  });

  it('maps VALIDATION_FAILED with its field errors', () => {
    const outcomes = buy();
    const errors = [{ field: 'quantity', messages: ['must be at most 5'] }];
    answer(400, problem(400, 'VALIDATION_FAILED', { errors }));
    expect(outcomes[0]).toMatchObject({ kind: 'invalid', errors });
  });

  it('maps other client-side request codes to invalid', () => {
    expect(outcomeOf(400, problem(400, 'MALFORMED_JSON'))).toMatchObject({ kind: 'invalid', errors: [] });
  });

  it('maps a network failure (status 0)', () => {
    const outcomes = buy();
    http.expectOne('/buy').error(new ProgressEvent('error'));
    expect(outcomes).toEqual([{ kind: 'network' }]);
  });

  it.each([500, 502, 503])('maps %s to a server error', (status) => {
    expect(outcomeOf(status, problem(status, 'INTERNAL_ERROR'))).toMatchObject({ kind: 'server', status });
  });

  it('maps a 5xx without a problem body (e.g. a proxy page) to a server error whose outcome is unknown', () => {
    expect(outcomeOf(502, '<html>Bad Gateway</html>')).toEqual({
      kind: 'server',
      status: 502,
      made: null,
      retryAfterSeconds: null,
      problem: null,
    });
  });

  it.each(['NOT_MADE', 'UNKNOWN'] as const)(
    'keeps what a 503 says of the purchase (%s) and when to retry',
    (made) => {
      const outcome = outcomeOf(
        503,
        problem(503, 'SERVICE_UNAVAILABLE', { purchase: made, retryAfterSeconds: 2 }),
      );
      expect(outcome).toMatchObject({ kind: 'server', status: 503, made, retryAfterSeconds: 2 });
    },
  );

  it('reads a problem body that arrived as text', () => {
    expect(outcomeOf(409, JSON.stringify(problem(409, 'SOLD_OUT')))).toMatchObject({ kind: 'sold-out' });
  });

  it('keeps unknown codes generic, with their problem for the message', () => {
    const outcomes = buy();
    answer(409, problem(409, 'SOMETHING_NEW'));
    expect(outcomes[0]).toMatchObject({
      kind: 'unknown',
      status: 409,
      problem: { detail: 'detail of SOMETHING_NEW' },
    });
  });
});
