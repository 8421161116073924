import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminProduct, ErrorCode } from '@gtd/shared-contracts';
import { SESSION_STORAGE } from '@gtd/web-data-access';
import { problem } from '@gtd/web-data-access/testing';
import { consoleRoutes } from './console.routes';

const TOKEN_KEY = 'gtd.operator-token';

const drop = (extra: Partial<AdminProduct> = {}): AdminProduct =>
  ({
    id: 1,
    name: 'Golden Ticket',
    description: '',
    price: 2500,
    currency: 'EUR',
    stock: 100,
    available: 60,
    state: 'live',
    startsAt: '2030-01-01T09:00:00.000Z',
    endsAt: null,
    perBuyerLimit: null,
    paused: false,
    ...extra,
  }) as AdminProduct;

/** The console as the app mounts it (lazily at `console`), with the app's HttpClient at the root. */
describe('console routes (sign-in, guard, drops, sign out)', () => {
  let storage: Map<string, string>;
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  let root: HTMLElement;

  beforeEach(() => {
    storage = new Map();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'console', children: consoleRoutes }], withComponentInputBinding()),
        {
          provide: SESSION_STORAGE,
          useValue: {
            getItem: (key: string) => storage.get(key) ?? null,
            setItem: (key: string, value: string) => storage.set(key, value),
            removeItem: (key: string) => storage.delete(key),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function visit(url: string): Promise<void> {
    harness = await RouterTestingHarness.create(url);
    root = harness.fixture.nativeElement as HTMLElement;
    harness.detectChanges();
  }

  const url = () => TestBed.inject(Router).url;
  const heading = () => root.querySelector('h1')?.textContent?.trim();

  async function submitToken(token: string): Promise<void> {
    (root.querySelector('#operator-token') as HTMLInputElement).value = token;
    root.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    harness.detectChanges();
  }

  /** Answers the drops page's load, which must carry the operator's bearer. */
  function answerDrops(token: string, drops: AdminProduct[]): void {
    const request = http.expectOne('/admin/products');
    expect(request.request.headers.get('Authorization')).toBe(`Bearer ${token}`);
    request.flush(drops);
  }

  it('sends a tab that has not signed in to sign-in, instead of pages that would all 401', async () => {
    await visit('/console');
    expect(url()).toBe('/console/sign-in');
    expect(heading()).toBe('Operator sign in');
  });

  it('refuses a wrong token at the field, then a right one opens the drops table with the bearer', async () => {
    await visit('/console/sign-in');
    await submitToken('wrong');
    http
      .expectOne('/admin/products')
      .flush(problem(401, ErrorCode.Unauthorized), { status: 401, statusText: 'Unauthorized' });
    harness.detectChanges();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('refused');
    expect(root.querySelector('#operator-token')?.getAttribute('aria-invalid')).toBe('true');
    expect(storage.has(TOKEN_KEY)).toBe(false);

    await submitToken('right');
    http.expectOne('/admin/products').flush([drop()]);
    await harness.fixture.whenStable();
    harness.detectChanges();
    expect(url()).toBe('/console');
    expect(storage.get(TOKEN_KEY)).toBe('right');
    answerDrops('right', [drop(), drop({ id: 2, name: 'Paused drop', paused: true, available: 0 })]);
    // Buyers come from each drop's summary; one that fails leaves its cell unknown, not the table.
    const summary = http.expectOne('/admin/products/1/summary');
    expect(summary.request.headers.get('Authorization')).toBe('Bearer right');
    summary.flush({ productId: 1, buyers: 17 });
    http
      .expectOne('/admin/products/2/summary')
      .flush(problem(503, ErrorCode.ServiceUnavailable), { status: 503, statusText: 'Unavailable' });
    harness.detectChanges();
    const rows = [...root.querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()),
    );
    expect(rows[0].slice(0, 6)).toEqual(['Golden Ticket', 'live', '100', '40', '60', '17']);
    expect(rows[1].slice(0, 6)).toEqual(['Paused drop', 'paused', '100', '100', '0', '–']);
    // The opening time in the operator's zone, with UTC on hover.
    expect(root.querySelector('tbody time')?.getAttribute('title')).toMatch(/09:00 UTC$/);
  });

  it('says how to enable the operator API when the server has no ADMIN_TOKEN', async () => {
    await visit('/console/sign-in');
    await submitToken('any');
    http
      .expectOne('/admin/products')
      .flush(problem(403, ErrorCode.AdminDisabled), { status: 403, statusText: 'Forbidden' });
    harness.detectChanges();
    expect(root.textContent).toContain('start the server with ADMIN_TOKEN');
  });

  it('on a 401 of a signed-in page goes back to sign-in and says the session ended', async () => {
    storage.set(TOKEN_KEY, 'stale');
    await visit('/console');
    http
      .expectOne('/admin/products')
      .flush(problem(401, ErrorCode.Unauthorized), { status: 401, statusText: 'Unauthorized' });
    await harness.fixture.whenStable();
    harness.detectChanges();
    expect(url()).toBe('/console/sign-in?reason=expired');
    expect(root.textContent).toContain('Your operator session ended');
    expect(storage.has(TOKEN_KEY)).toBe(false);
  });

  it('says the drops could not be loaded when the API fails otherwise', async () => {
    storage.set(TOKEN_KEY, 'ok');
    await visit('/console');
    http
      .expectOne('/admin/products')
      .flush(problem(503, ErrorCode.ServiceUnavailable), { status: 503, statusText: 'Unavailable' });
    harness.detectChanges();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('could not be loaded');
    expect(url()).toBe('/console');
  });

  it('signs out: forgets the token and returns to sign-in', async () => {
    storage.set(TOKEN_KEY, 'ok');
    await visit('/console');
    answerDrops('ok', []);
    const signOut = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Sign out');
    signOut?.click();
    await harness.fixture.whenStable();
    expect(url()).toBe('/console/sign-in');
    expect(storage.has(TOKEN_KEY)).toBe(false);
  });
});
