import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import {
  bearerTokenInterceptor,
  BuyerSession,
  INVENTORY_POLL_INTERVAL_MS,
  SESSION_STORAGE,
} from '@gtd/web-data-access';
import { buyerSession, problem } from '@gtd/web-data-access/testing';
import { storefrontRoutes } from '../storefront.routes';
import { safeReturnUrl } from './sign-in-page';

const SESSION = buyerSession();

describe('SignInPage (with the shell)', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  let root: HTMLElement;

  const q = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const text = (testId: string) => q(testId)?.textContent?.trim() ?? null;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([bearerTokenInterceptor])),
        provideHttpClientTesting(),
        provideRouter(storefrontRoutes, withComponentInputBinding()),
        { provide: SESSION_STORAGE, useValue: null },
        { provide: INVENTORY_POLL_INTERVAL_MS, useValue: 3_600_000 },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    http.match(() => true); // the drop page the tests land on may still be loading
    http.verify();
  });

  async function visit(url: string): Promise<void> {
    harness = await RouterTestingHarness.create(url);
    root = harness.fixture.nativeElement as HTMLElement;
    harness.detectChanges();
  }

  async function fill(email: string, password: string): Promise<void> {
    const emailInput = q('email') as HTMLInputElement;
    const passwordInput = q('password') as HTMLInputElement;
    emailInput.value = email;
    emailInput.dispatchEvent(new Event('input'));
    passwordInput.value = password;
    passwordInput.dispatchEvent(new Event('input'));
    q('auth-submit')?.click();
    harness.detectChanges();
    await harness.fixture.whenStable();
  }

  it('signs in, shows the buyer in the header, and goes back to the drop it came from', async () => {
    await visit('/sign-in?returnUrl=%2Fdrops%2F3');
    expect(q('sign-in-link')).toBeNull(); // no "Sign in" link on the sign-in page itself
    expect(root.querySelector('h1')?.textContent).toBe('Sign in');
    expect((q('password') as HTMLInputElement).getAttribute('autocomplete')).toBe('current-password');

    await fill('ada@example.com', 'correct horse battery');
    const req = http.expectOne('/auth/sign-in');
    expect(req.request.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush(SESSION);
    await harness.fixture.whenStable();
    harness.detectChanges();

    expect(TestBed.inject(Router).url).toBe('/drops/3');
    expect(text('buyer-email')).toBe('ada@example.com');
    expect(TestBed.inject(BuyerSession).token()).toBe('token-1');
  });

  it('registers on /register (new-password, at least 8 characters, checked before sending)', async () => {
    await visit('/register?returnUrl=%2Fdrops%2F2');
    expect(root.querySelector('h1')?.textContent).toBe('Create your account');
    expect((q('password') as HTMLInputElement).getAttribute('autocomplete')).toBe('new-password');

    await fill('ada@example.com', 'short');
    http.expectNone('/auth/register');
    expect(root.querySelector('#password-hint')?.classList).toContain('field__error');

    await fill('ada@example.com', 'long enough');
    http
      .expectOne('/auth/register')
      .flush(problem(409, 'EMAIL_TAKEN'), { status: 409, statusText: 'Conflict' });
    harness.detectChanges();
    const feedback = q('auth-feedback');
    expect(feedback?.getAttribute('role')).toBe('alert');
    expect(feedback?.textContent).toContain('That email already has an account');
    expect(feedback?.querySelector('a')?.getAttribute('href')).toBe('/sign-in?returnUrl=%2Fdrops%2F2');
  });

  it.each([
    [401, problem(401, 'INVALID_CREDENTIALS'), 'Email or password is wrong'],
    [429, problem(429, 'RATE_LIMITED', { retryAfterSeconds: 9 }), 'Please wait 9 seconds'],
    [
      400,
      problem(400, 'VALIDATION_FAILED', {
        errors: [{ field: 'email', messages: ['email must be an email'] }],
      }),
      'email must be an email',
    ],
    [503, problem(503, 'SERVICE_UNAVAILABLE'), 'detail of SERVICE_UNAVAILABLE'],
  ])('says why sign-in failed (%s) and stays signed out', async (status, body, expected) => {
    await visit('/sign-in');
    await fill('ada@example.com', 'wrong password');
    http.expectOne('/auth/sign-in').flush(body, { status, statusText: 'Error' });
    harness.detectChanges();
    expect(text('auth-feedback')).toContain(expected);
    expect(TestBed.inject(BuyerSession).signedIn()).toBe(false);
    expect(TestBed.inject(Router).url).toBe('/sign-in');
  });

  it('checks the email before sending', async () => {
    await visit('/sign-in');
    await fill('not-an-email', 'whatever123');
    http.expectNone('/auth/sign-in');
    expect(q('email')?.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('#email-error')?.textContent).toContain('Enter your email address');
  });

  it('never follows a return address to another site', async () => {
    await visit('/sign-in?returnUrl=%2F%2Fevil.example%2Fphish');
    await fill('ada@example.com', 'correct horse battery');
    http.expectOne('/auth/sign-in').flush(SESSION);
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('signs out from the header; the header then offers to sign in, coming back here', async () => {
    TestBed.inject(BuyerSession).start(SESSION);
    await visit('/drops/5');
    expect(text('buyer-email')).toBe('ada@example.com');
    q('sign-out')?.click();
    harness.detectChanges();
    expect(q('buyer-email')).toBeNull();
    expect(q('sign-in-link')?.getAttribute('href')).toBe('/sign-in?returnUrl=%2Fdrops%2F5');
    expect(TestBed.inject(BuyerSession).signedIn()).toBe(false);
  });

  it('tells a signed-in visitor of /sign-in who they are, with a way on', async () => {
    TestBed.inject(BuyerSession).start(SESSION);
    await visit('/sign-in?returnUrl=%2Fdrops%2F1');
    expect(text('signed-in-as')).toBe('ada@example.com');
    expect(q('continue-link')?.getAttribute('href')).toBe('/drops/1');
  });
});

describe('safeReturnUrl', () => {
  it.each([
    ['/drops/1', '/drops/1'],
    ['/drops/1?x=1', '/drops/1?x=1'],
    [undefined, '/'],
    ['', '/'],
    ['drops/1', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
  ])('%p → %p', (raw, expected) => {
    expect(safeReturnUrl(raw)).toBe(expected);
  });
});
