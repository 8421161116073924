import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ProblemDetails, problemType } from '@gtd/shared-contracts';
import { PurchaseClient } from './purchase-client';
import { PurchaseOutcome } from './purchase-outcome';

function problem(status: number, code: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return {
    type: problemType(code),
    title: code,
    status,
    detail: `detail of ${code}`,
    code,
    ...extra,
  } as ProblemDetails;
}

describe('PurchaseClient', () => {
  let client: PurchaseClient;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    client = TestBed.inject(PurchaseClient);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('never errors: every outcome arrives as a value', () => {
    const outcomes = buy();
    http.expectOne('/buy').error(new ProgressEvent('error'));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).not.toHaveProperty('thrown');
  });

  function buy(quantity = 2): PurchaseOutcome[] {
    const outcomes: PurchaseOutcome[] = [];
    client.buy({ productId: 1, quantity }).subscribe({
      next: (o) => outcomes.push(o),
      error: (e: unknown) => outcomes.push({ thrown: e } as never),
    });
    return outcomes;
  }

  function answer(status: number, body: unknown): void {
    const req = http.expectOne('/buy');
    expect(req.request.method).toBe('POST');
    if (status < 400) {
      req.flush(body, { status, statusText: 'OK' });
    } else {
      req.flush(body, { status, statusText: 'Error' });
    }
  }

  it('posts the request to the same origin and answers success with the result', () => {
    const outcomes = buy(2);
    const req = http.expectOne('/buy');
    expect(req.request.body).toEqual({ productId: 1, quantity: 2 });
    const result = { orderId: 'o-1', productId: 1, quantity: 2, remaining: 8 };
    req.flush(result, { status: 201, statusText: 'Created' });
    expect(outcomes).toEqual([{ kind: 'success', result }]);
  });

  it('maps SOLD_OUT', () => {
    const outcomes = buy();
    answer(409, problem(409, 'SOLD_OUT'));
    expect(outcomes[0]).toMatchObject({ kind: 'sold-out' });
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
    const outcomes = buy();
    answer(404, problem(404, 'PRODUCT_NOT_FOUND'));
    expect(outcomes[0]).toMatchObject({ kind: 'not-found' });
  });

  it('maps VALIDATION_FAILED with its field errors', () => {
    const outcomes = buy();
    const errors = [{ field: 'quantity', messages: ['must be at most 5'] }];
    answer(400, problem(400, 'VALIDATION_FAILED', { errors }));
    expect(outcomes[0]).toMatchObject({ kind: 'invalid', errors });
  });

  it('maps other client-side request codes to invalid', () => {
    const outcomes = buy();
    answer(400, problem(400, 'MALFORMED_JSON'));
    expect(outcomes[0]).toMatchObject({ kind: 'invalid', errors: [] });
  });

  it('maps a network failure (status 0)', () => {
    const outcomes = buy();
    http.expectOne('/buy').error(new ProgressEvent('error'));
    expect(outcomes).toEqual([{ kind: 'network' }]);
  });

  it.each([500, 502, 503])('maps %s to a server error', (status) => {
    const outcomes = buy();
    answer(status, problem(status, 'INTERNAL_ERROR'));
    expect(outcomes[0]).toMatchObject({ kind: 'server', status });
  });

  it('maps a 5xx without a problem body (e.g. a proxy page) to a server error', () => {
    const outcomes = buy();
    answer(502, '<html>Bad Gateway</html>');
    expect(outcomes[0]).toEqual({ kind: 'server', status: 502, problem: null });
  });

  it('reads a problem body that arrived as text', () => {
    const outcomes = buy();
    answer(409, JSON.stringify(problem(409, 'SOLD_OUT')));
    expect(outcomes[0]).toMatchObject({ kind: 'sold-out' });
  });

  it('keeps unknown codes generic, with their problem for the message', () => {
    const outcomes = buy();
    answer(429, problem(429, 'RATE_LIMITED'));
    expect(outcomes[0]).toMatchObject({
      kind: 'unknown',
      status: 429,
      problem: { detail: 'detail of RATE_LIMITED' },
    });
  });
});
