import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { buyerSession, problem } from '../../testing';
import { AuthClient, AuthOutcome } from './auth-client';
import { BuyerSession, SESSION_STORAGE } from './buyer-session';

const SESSION = buyerSession();
const CREDENTIALS = { email: 'ada@example.com', password: 'correct horse battery' };

describe('AuthClient', () => {
  let client: AuthClient;
  let http: HttpTestingController;
  let buyer: BuyerSession;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: SESSION_STORAGE, useValue: null },
      ],
    });
    client = TestBed.inject(AuthClient);
    http = TestBed.inject(HttpTestingController);
    buyer = TestBed.inject(BuyerSession);
  });

  afterEach(() => http.verify());

  function call(kind: 'register' | 'signIn'): AuthOutcome[] {
    const outcomes: AuthOutcome[] = [];
    client[kind](CREDENTIALS).subscribe((o) => outcomes.push(o));
    return outcomes;
  }

  it.each([
    ['register', '/auth/register'],
    ['signIn', '/auth/sign-in'],
  ] as const)('%s posts the credentials and starts the session', (kind, url) => {
    const outcomes = call(kind);
    const req = http.expectOne(url);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual(CREDENTIALS);
    req.flush(SESSION);
    expect(outcomes).toEqual([{ kind: 'signed-in', session: SESSION }]);
    expect(buyer.buyer()?.email).toBe('ada@example.com');
  });

  it.each([
    ['register', 409, problem(409, 'EMAIL_TAKEN'), { kind: 'email-taken' }],
    ['signIn', 401, problem(401, 'INVALID_CREDENTIALS'), { kind: 'invalid-credentials' }],
    [
      'register',
      400,
      problem(400, 'VALIDATION_FAILED', { errors: [{ field: 'password', messages: ['too short'] }] }),
      {
        kind: 'invalid',
        errors: [{ field: 'password', messages: ['too short'] }],
        detail: 'detail of VALIDATION_FAILED',
      },
    ],
    [
      'signIn',
      429,
      problem(429, 'RATE_LIMITED', { retryAfterSeconds: 5 }),
      { kind: 'rate-limited', retryAfterSeconds: 5 },
    ],
    [
      'signIn',
      503,
      problem(503, 'SERVICE_UNAVAILABLE'),
      { kind: 'failed', status: 503, detail: 'detail of SERVICE_UNAVAILABLE' },
    ],
  ] as const)('%s answered %s maps to its outcome and starts no session', (kind, status, body, expected) => {
    const outcomes = call(kind);
    http
      .expectOne(kind === 'register' ? '/auth/register' : '/auth/sign-in')
      .flush(body, { status, statusText: 'Error' });
    expect(outcomes).toEqual([expected]);
    expect(buyer.signedIn()).toBe(false);
  });

  it('maps a network failure', () => {
    const outcomes = call('signIn');
    http.expectOne('/auth/sign-in').error(new ProgressEvent('error'));
    expect(outcomes).toEqual([{ kind: 'network' }]);
  });
});
