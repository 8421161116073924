import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { buyerSession as session, problem } from '../../testing';
import { API_BASE_URL } from '../config/api-config';
import { IDEMPOTENCY_KEY_FACTORY } from '../purchase/idempotency-key';
import { PurchaseClient } from '../purchase/purchase-client';
import { bearerTokenInterceptor } from './bearer-token';
import { BuyerSession, SESSION_STORAGE } from './buyer-session';

function setUp(baseUrl: string): { http: HttpClient; backend: HttpTestingController; buyer: BuyerSession } {
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(withInterceptors([bearerTokenInterceptor])),
      provideHttpClientTesting(),
      { provide: API_BASE_URL, useValue: baseUrl },
      { provide: SESSION_STORAGE, useValue: null },
      { provide: IDEMPOTENCY_KEY_FACTORY, useValue: () => 'key-1' },
    ],
  });
  return {
    http: TestBed.inject(HttpClient),
    backend: TestBed.inject(HttpTestingController),
    buyer: TestBed.inject(BuyerSession),
  };
}

/** Posts to `/buy` and answers it with the problem `code`. */
function refuseBuy(http: HttpClient, backend: HttpTestingController, status: number, code: string): void {
  http.post('/buy', {}).subscribe({ error: () => undefined });
  backend.expectOne('/buy').flush(problem(status, code), { status, statusText: code });
}

describe('bearerTokenInterceptor', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('adds Authorization: Bearer to a purchase, next to its Idempotency-Key', () => {
    const { backend, buyer } = setUp('');
    buyer.start(session('token-1'));
    const purchases = TestBed.inject(PurchaseClient);
    purchases.send(purchases.attempt({ productId: 1, quantity: 1 })).subscribe();
    const req = backend.expectOne('/buy');
    expect(req.request.headers.get('Authorization')).toBe('Bearer token-1');
    expect(req.request.headers.get('Idempotency-Key')).toBe('key-1');
    req.flush({ orderId: 'o', productId: 1, quantity: 1, remaining: 1 });
  });

  it('sends nothing while nobody is signed in', () => {
    const { http, backend } = setUp('');
    http.post('/buy', {}).subscribe();
    expect(backend.expectOne('/buy').request.headers.has('Authorization')).toBe(false);
  });

  it('keeps the token off public reads (cacheable by a CDN) and off the sign-in routes', () => {
    const { http, backend, buyer } = setUp('');
    buyer.start(session());
    for (const url of ['/products', '/products/1', '/products/1/inventory?x=1']) {
      http.get(url).subscribe();
      expect(backend.expectOne(url).request.headers.has('Authorization')).toBe(false);
    }
    for (const url of ['/auth/sign-in', '/auth/register']) {
      http.post(url, {}).subscribe();
      expect(backend.expectOne(url).request.headers.has('Authorization')).toBe(false);
    }
    http.get('/orders/o-1').subscribe();
    expect(backend.expectOne('/orders/o-1').request.headers.get('Authorization')).toBe('Bearer token-1');
  });

  it("leaves the operator console's calls alone: their bearer is the operator's, and their 401 is not the buyer's", () => {
    const { http, backend, buyer } = setUp('');
    buyer.start(session());
    http
      .get('/admin/products', { headers: { Authorization: 'Bearer operator' } })
      .subscribe({ error: () => undefined });
    const request = backend.expectOne('/admin/products');
    expect(request.request.headers.get('Authorization')).toBe('Bearer operator');
    request.flush(problem(401, 'UNAUTHORIZED'), { status: 401, statusText: 'Unauthorized' });
    expect(buyer.token()).toBe('token-1');
  });

  it('never sends the token to another origin', () => {
    const { http, backend, buyer } = setUp('https://api.example');
    buyer.start(session());
    http.post('https://api.example/buy', {}).subscribe();
    expect(backend.expectOne('https://api.example/buy').request.headers.get('Authorization')).toBe(
      'Bearer token-1',
    );
    for (const url of ['https://api.example.evil/buy', 'https://elsewhere.example/buy', '/buy']) {
      http.post(url, {}).subscribe();
      expect(backend.expectOne(url).request.headers.has('Authorization')).toBe(false);
    }
  });

  it('treats protocol-relative URLs as another origin when the API is same-origin', () => {
    const { http, backend, buyer } = setUp('');
    buyer.start(session());
    http.post('//evil.example/buy', {}).subscribe();
    expect(backend.expectOne('//evil.example/buy').request.headers.has('Authorization')).toBe(false);
  });

  it('ends the session when the server refuses the token with UNAUTHORIZED', () => {
    const { http, backend, buyer } = setUp('');
    buyer.start(session('token-1'));
    refuseBuy(http, backend, 401, 'UNAUTHORIZED');
    expect(buyer.signedIn()).toBe(false);
    expect(buyer.expired()).toBe(true);
  });

  it('keeps the session on AUTH_REQUIRED and on other errors', () => {
    const { http, backend, buyer } = setUp('');
    buyer.start(session('token-1'));
    refuseBuy(http, backend, 401, 'AUTH_REQUIRED');
    refuseBuy(http, backend, 409, 'SOLD_OUT');
    expect(buyer.signedIn()).toBe(true);
  });

  it('does not sign out a buyer who signed in again while an old request was refused', () => {
    const { http, backend, buyer } = setUp('');
    buyer.start(session('old-token'));
    http.post('/buy', {}).subscribe({ error: () => undefined });
    const old = backend.expectOne('/buy');
    buyer.start(session('new-token'));
    old.flush(problem(401, 'UNAUTHORIZED'), { status: 401, statusText: 'Unauthorized' });
    expect(buyer.signedIn()).toBe(true);
    expect(buyer.token()).toBe('new-token');
  });
});
