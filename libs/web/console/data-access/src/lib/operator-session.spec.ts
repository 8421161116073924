import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { SESSION_STORAGE } from '@gtd/web-data-access';
import { problem } from '@gtd/web-data-access/testing';
import { AdminClient } from './admin-client';
import { OperatorSession, OperatorSignIn } from './operator-session';
import { operatorTokenInterceptor } from './operator-token';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

function setUp(storage = new MemoryStorage()) {
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      AdminClient,
      provideHttpClient(withInterceptors([operatorTokenInterceptor])),
      provideHttpClientTesting(),
      { provide: SESSION_STORAGE, useValue: storage },
    ],
  });
  const router = TestBed.inject(Router);
  const navigate = jest.spyOn(router, 'navigate').mockResolvedValue(true);
  return {
    storage,
    navigate,
    http: TestBed.inject(HttpClient),
    backend: TestBed.inject(HttpTestingController),
    session: TestBed.inject(OperatorSession),
  };
}

function signIn(
  session: OperatorSession,
  backend: HttpTestingController,
  token: string,
  status = 200,
  code = '',
) {
  let result: OperatorSignIn | undefined;
  session.signIn(token).subscribe((r) => (result = r));
  const req = backend.expectOne('/admin/products');
  expect(req.request.headers.get('Authorization')).toBe(`Bearer ${token}`);
  if (status === 200) req.flush([]);
  else req.flush(problem(status, code), { status, statusText: code });
  return result;
}

describe('OperatorSession', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('keeps a token the API accepts, in sessionStorage, and forgets it on sign out', () => {
    const { session, backend, storage, navigate } = setUp();
    expect(signIn(session, backend, 'secret')).toBe('signed-in');
    expect(session.token()).toBe('secret');
    expect([...storage.items.values()]).toEqual(['secret']);
    session.signOut();
    expect(session.signedIn()).toBe(false);
    expect(storage.items.size).toBe(0);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('refuses a wrong token without navigating (the sign-in page reports it)', () => {
    const { session, backend, navigate } = setUp();
    expect(signIn(session, backend, 'wrong', 401, 'UNAUTHORIZED')).toBe('refused');
    expect(session.signedIn()).toBe(false);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('says the operator API is disabled when the server answers 403 ADMIN_DISABLED', () => {
    const { session, backend } = setUp();
    expect(signIn(session, backend, 'any', 403, 'ADMIN_DISABLED')).toBe('disabled');
    expect(session.disabled()).toBe(true);
    expect(session.signedIn()).toBe(false);
  });

  it('restores the token of this tab after a reload', () => {
    const storage = new MemoryStorage();
    storage.setItem('gtd.operator-token', 'kept');
    const { session } = setUp(storage);
    expect(session.token()).toBe('kept');
  });
});

describe('operatorTokenInterceptor', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('adds the bearer to /admin/ calls only', () => {
    const { session, backend, http } = setUp();
    signIn(session, backend, 'secret');
    TestBed.inject(AdminClient).listProducts().subscribe();
    expect(backend.expectOne('/admin/products').request.headers.get('Authorization')).toBe('Bearer secret');
    for (const url of ['/products', '/buy', '/administrator', '//evil.example/admin/x']) {
      http.get(url).subscribe();
      expect(backend.expectOne(url).request.headers.has('Authorization')).toBe(false);
    }
  });

  it('on 401 ends the session and goes to sign-in with the reason', () => {
    const { session, backend, navigate } = setUp();
    signIn(session, backend, 'secret');
    TestBed.inject(AdminClient)
      .listProducts()
      .subscribe({ error: () => undefined });
    backend
      .expectOne('/admin/products')
      .flush(problem(401, 'UNAUTHORIZED'), { status: 401, statusText: 'x' });
    expect(session.signedIn()).toBe(false);
    expect(navigate).toHaveBeenCalledWith(['/console/sign-in'], { queryParams: { reason: 'expired' } });
  });

  it('on 403 ADMIN_DISABLED marks the API disabled and goes to sign-in', () => {
    const { session, backend, navigate } = setUp();
    signIn(session, backend, 'secret');
    TestBed.inject(AdminClient)
      .listProducts()
      .subscribe({ error: () => undefined });
    backend
      .expectOne('/admin/products')
      .flush(problem(403, 'ADMIN_DISABLED'), { status: 403, statusText: 'x' });
    expect(session.disabled()).toBe(true);
    expect(navigate).toHaveBeenCalledWith(['/console/sign-in'], { queryParams: { reason: 'disabled' } });
  });

  it('reads ADMIN_DISABLED out of a Blob body too (the CSV export asks for one) and hands on the problem as JSON', async () => {
    const { session, backend, navigate } = setUp();
    signIn(session, backend, 'secret');
    const failed = new Promise<unknown>((resolve) =>
      TestBed.inject(AdminClient).exportOrders(1).subscribe({ error: resolve }),
    );
    backend
      .expectOne('/admin/products/1/orders/export')
      .flush(new Blob([JSON.stringify(problem(403, 'ADMIN_DISABLED'))]), { status: 403, statusText: 'x' });
    const error = (await failed) as HttpErrorResponse;
    expect(error.status).toBe(403);
    expect(error.error).toMatchObject({ code: 'ADMIN_DISABLED' });
    expect(session.disabled()).toBe(true);
    expect(navigate).toHaveBeenCalledWith(['/console/sign-in'], { queryParams: { reason: 'disabled' } });
  });

  it('keeps the session on other errors', () => {
    const { session, backend, navigate } = setUp();
    signIn(session, backend, 'secret');
    TestBed.inject(AdminClient)
      .listProducts()
      .subscribe({ error: () => undefined });
    backend
      .expectOne('/admin/products')
      .flush(problem(503, 'SERVICE_UNAVAILABLE'), { status: 503, statusText: 'x' });
    expect(session.signedIn()).toBe(true);
    expect(navigate).not.toHaveBeenCalled();
  });
});
