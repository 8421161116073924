import { Controller, Get, INestApplication, Module, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Buyer, ErrorCode } from '@gtd/shared-contracts';
import { BuyerRecord, BuyerStore, EmailKey } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { ObservabilityModule } from '@gtd/api-platform';
import request from 'supertest';
import { BuyersModule } from './buyers.module';
import { CurrentBuyer, OptionalBuyerGuard } from './optional-buyer.guard';

// Registration and sign-in run scrypt at its production cost.
jest.setTimeout(30_000);

const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const TTL_SECONDS = 900;

/** A route as a feature would guard it, to see what the guard lets through. */
@Controller('whoami')
class WhoAmIController {
  @Get()
  @UseGuards(OptionalBuyerGuard)
  whoAmI(@CurrentBuyer() buyer: Buyer | null): { buyer: Buyer | null } {
    return { buyer };
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

const CATALOG = [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 5 }];

const decodeClaims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

describe('BuyersModule over HTTP', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const register = (email: string, password = 'correct horse battery') =>
    http().post('/auth/register').send({ email, password });

  beforeAll(async () => {
    app = await createFeatureTestApp(
      [BuyersModule.forRoot({ jwtSecret: SECRET, tokenTtlSeconds: TTL_SECONDS })],
      CATALOG,
    );
  });

  afterAll(() => app.close());

  describe('register', () => {
    it('creates the account and answers a bearer session for it', async () => {
      const res = await register('Charlie@Example.com').expect(201);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: TTL_SECONDS,
        buyer: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'charlie@example.com' },
      });
      const claims = decodeClaims(res.body.accessToken);
      expect(claims).toMatchObject({ sub: res.body.buyer.id, email: 'charlie@example.com' });
      expect(Number(claims['exp']) - Number(claims['iat'])).toBe(TTL_SECONDS);
      const header = JSON.parse(Buffer.from(res.body.accessToken.split('.')[0], 'base64url').toString());
      expect(header.alg).toBe('HS256');
    });

    it('stores a scrypt hash, never the password', async () => {
      await register('hash@example.com', 'my secret password').expect(201);
      const stored = (await app
        .get<BuyerStore>(BuyerStore)
        .findByEmail('hash@example.com' as EmailKey)) as BuyerRecord;
      expect(stored.passwordHash).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
      expect(stored.passwordHash).not.toContain('my secret password');
    });

    it('answers 409 EMAIL_TAKEN for an email that exists in any letter case', async () => {
      await register('taken@example.com').expect(201);
      const res = await register('TAKEN@example.COM').expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: ErrorCode.EmailTaken, status: 409 });
    });

    it('lets exactly one of two racing registrations of one email win', async () => {
      const [a, b] = await Promise.all([register('race@example.com'), register('race@example.com')]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    });

    it.each([
      [{ email: 'not-an-email', password: 'long enough' }, ['email']],
      [{ email: 'a@example.com', password: 'short' }, ['password']],
      [{ email: 'a@example.com', password: 'x'.repeat(129) }, ['password']],
      [{ email: 42, password: 12345678 }, ['email', 'password']],
      [{ email: 'a@example.com', password: 'long enough', admin: true }, ['admin']],
      [{}, ['email', 'password']],
    ])('refuses %j naming %j', async (body, fields) => {
      const res = await http().post('/auth/register').send(body).expect(400);
      expect(res.body.code).toBe(ErrorCode.ValidationFailed);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
    });

    it('refuses an email holding a lone UTF-16 surrogate as 400 VALIDATION_FAILED, not a 500', async () => {
      for (const email of ['\ud800@example.com', 'a@exa\udc00mple.com']) {
        const res = await register(email).expect(400);
        expect(res.body).toMatchObject({
          code: ErrorCode.ValidationFailed,
          errors: [{ field: 'email', messages: ['email must be an email'] }],
        });
      }
    });

    it('accepts passwords of exactly 8 and 128 characters', async () => {
      await register('eight@example.com', '12345678').expect(201);
      await register('long@example.com', 'p'.repeat(128)).expect(201);
    });
  });

  describe('sign-in', () => {
    beforeAll(() => register('dana@example.com', 'dana password 1').expect(201));

    it('answers a fresh session for the right password, whatever the email case', async () => {
      const res = await http()
        .post('/auth/sign-in')
        .send({ email: 'DANA@example.com', password: 'dana password 1' })
        .expect(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', buyer: { email: 'dana@example.com' } });
    });

    it('answers the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
      const wrong = await http()
        .post('/auth/sign-in')
        .send({ email: 'dana@example.com', password: 'dana password 2' })
        .expect(401);
      const unknown = await http()
        .post('/auth/sign-in')
        .send({ email: 'nobody@example.com', password: 'dana password 1' })
        .expect(401);
      for (const res of [wrong, unknown]) {
        expect(res.body).toMatchObject({ code: ErrorCode.InvalidCredentials, status: 401 });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
      expect(unknown.body.detail).toBe(wrong.body.detail);
    });

    it.each(['', 'x', 'short', '1234567'])(
      'answers 401 INVALID_CREDENTIALS, not 400, for the too-short wrong password %j',
      async (password) => {
        for (const email of ['dana@example.com', 'nobody@example.com']) {
          const res = await http().post('/auth/sign-in').send({ email, password }).expect(401);
          expect(res.body).toMatchObject({ code: ErrorCode.InvalidCredentials, status: 401 });
        }
      },
    );

    it('still refuses a password over the maximum length, and a lone surrogate in the email, as 400', async () => {
      const long = await http()
        .post('/auth/sign-in')
        .send({ email: 'dana@example.com', password: 'x'.repeat(129) })
        .expect(400);
      expect(long.body.errors).toEqual([{ field: 'password', messages: expect.any(Array) }]);
      const surrogate = await http()
        .post('/auth/sign-in')
        .send({ email: '\ud800@example.com', password: 'dana password 1' })
        .expect(400);
      expect(surrogate.body).toMatchObject({
        code: ErrorCode.ValidationFailed,
        errors: [{ field: 'email' }],
      });
    });

    it('validates the body like registration', async () => {
      const res = await http().post('/auth/sign-in').send({ email: 'dana@example.com' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'password', messages: expect.any(Array) }]);
    });
  });
});

/** 16 sign-ins at once against one hash slot and a queue of one: most are refused. */
const burstOfSignIns = (app: INestApplication) =>
  Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      request(app.getHttpServer())
        .post('/auth/sign-in')
        .send({ email: `nobody${i}@example.com`, password: 'wrong but long enough' }),
    ),
  );

describe.each([
  ['by the route itself (no LoadShedder in the app)', []],
  ['before the pipeline, by LoadShedder', [ObservabilityModule.forRoot({ LOG_LEVEL: 'silent' })]],
])('a sign-in flood, refused %s', (_, observability) => {
  let app: INestApplication;
  const refusedBodies = new Set<string>();

  beforeAll(async () => {
    app = await createFeatureTestApp(
      [
        ...observability,
        BuyersModule.forRoot({
          jwtSecret: SECRET,
          tokenTtlSeconds: TTL_SECONDS,
          hashConcurrency: 1,
          hashQueue: 1,
        }),
      ],
      CATALOG,
    );
  });

  afterAll(() => app.close());

  it('past the hash queue answers 503 SERVICE_UNAVAILABLE with Retry-After, never a 5xx of another kind', async () => {
    const attempts = await burstOfSignIns(app);
    const statuses = attempts.map((res) => res.status);
    expect(statuses.every((status) => status === 401 || status === 503)).toBe(true);
    // One hashing and one waiting: the burst arrives long before a 0.3 s hash ends, so most are refused.
    const refused = attempts.filter((res) => res.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const res of refused) {
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ code: ErrorCode.ServiceUnavailable, retryAfterSeconds: 1 });
      refusedBodies.add(res.text);
    }
    // The same bytes whichever of the two refuses (this set is shared by both apps of the table).
    expect([...refusedBodies]).toEqual([sharedRefusal(refused[0].text)]);
  });
});

let firstRefusal: string | undefined;
/** The first refusal body seen by either app; every later one must equal it. */
function sharedRefusal(text: string): string {
  firstRefusal ??= text;
  return firstRefusal;
}

describe('/auth rate limits', () => {
  let app: INestApplication;
  const signIn = (email: string) =>
    request(app.getHttpServer()).post('/auth/sign-in').send({ email, password: 'a wrong but long password' });

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [
        BuyersModule.forRoot({
          jwtSecret: SECRET,
          tokenTtlSeconds: TTL_SECONDS,
          authRateLimitPerMinute: 4,
          authEmailRateLimitPerMinute: 2,
        }),
      ],
      CATALOG,
    );
  });

  afterEach(() => app.close());

  it('per email: the third attempt on one account within a minute is 429 RATE_LIMITED with Retry-After', async () => {
    expect((await signIn('Target@example.com')).status).toBe(401);
    expect((await signIn('target@EXAMPLE.com')).status).toBe(401);
    const limited = await signIn('target@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({
      code: ErrorCode.RateLimited,
      retryAfterSeconds: expect.any(Number),
    });
    expect(limited.body.detail).toContain('for this email');
    // Another account from the same address is still within the address's budget.
    expect((await signIn('other@example.com')).status).toBe(401);
  });

  it('per address: the fifth attempt from one client within a minute is 429, whatever the email', async () => {
    for (let i = 0; i < 4; i++) expect((await signIn(`guess${i}@example.com`)).status).toBe(401);
    const limited = await signIn('guess4@example.com');
    expect(limited.status).toBe(429);
    expect(limited.body.detail).toContain('from this address');
    const register = await request(app.getHttpServer())
      .post('/auth/register')
      .send({ email: 'new@example.com', password: 'correct horse battery' });
    expect(register.status).toBe(429);
  });
});

describe('OptionalBuyerGuard', () => {
  let app: INestApplication;
  let session: { accessToken: string; buyer: Buyer };
  const whoAmI = (authorization?: string) => {
    const req = request(app.getHttpServer()).get('/whoami');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  beforeAll(async () => {
    app = await createFeatureTestApp(
      [BuyersModule.forRoot({ jwtSecret: SECRET, tokenTtlSeconds: TTL_SECONDS }), WhoAmIModule],
      CATALOG,
    );
    session = (
      await request(app.getHttpServer())
        .post('/auth/register')
        .send({ email: 'eve@example.com', password: 'eve password' })
        .expect(201)
    ).body;
  });

  afterAll(() => app.close());

  it('is anonymous without an Authorization header', async () => {
    expect((await whoAmI().expect(200)).body).toEqual({ buyer: null });
  });

  it('names the buyer of a valid token', async () => {
    const res = await whoAmI(`Bearer ${session.accessToken}`).expect(200);
    expect(res.body).toEqual({ buyer: session.buyer });
  });

  const forged = () => new JwtService({ secret: 'another-secret-of-at-least-32-characters!!' });
  const expired = () =>
    new JwtService({ secret: SECRET }).sign({ sub: 'b', email: 'b@example.com' }, { expiresIn: -10 });
  const unsigned = () =>
    [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
      Buffer.from(JSON.stringify({ sub: 'b', email: 'b@example.com' })).toString('base64url'),
      '',
    ].join('.');

  it.each([
    ['an empty header', () => ''],
    ['another scheme', () => `Basic ${Buffer.from('eve:pw').toString('base64')}`],
    ['a bare token', () => session.accessToken],
    ['garbage', () => 'Bearer not-a-jwt'],
    [
      'a token signed with another secret',
      () => `Bearer ${forged().sign({ sub: 'b', email: 'b@example.com' })}`,
    ],
    ['an expired token', () => `Bearer ${expired()}`],
    ['an unsigned (alg none) token', () => `Bearer ${unsigned()}`],
    ['a token missing its claims', () => `Bearer ${new JwtService({ secret: SECRET }).sign({ role: 'x' })}`],
  ])('refuses %s with 401 UNAUTHORIZED, never falling back to anonymous', async (_name, header) => {
    const res = await whoAmI(header()).expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body).toMatchObject({ code: ErrorCode.Unauthorized, status: 401 });
  });

  it('accepts tokens issued by another process with the same JWT_SECRET', async () => {
    const other = await createFeatureTestApp(
      [BuyersModule.forRoot({ jwtSecret: SECRET, tokenTtlSeconds: TTL_SECONDS })],
      CATALOG,
    );
    try {
      const res = await request(other.getHttpServer())
        .post('/auth/register')
        .send({ email: 'frank@example.com', password: 'frank password' })
        .expect(201);
      expect((await whoAmI(`Bearer ${res.body.accessToken}`).expect(200)).body.buyer.email).toBe(
        'frank@example.com',
      );
    } finally {
      await other.close();
    }
  });

  it('does not accept tokens of a process that drew its own random secret', async () => {
    const other = await createFeatureTestApp(
      [BuyersModule.forRoot({ tokenTtlSeconds: TTL_SECONDS })],
      CATALOG,
    );
    try {
      const res = await request(other.getHttpServer())
        .post('/auth/register')
        .send({ email: 'gina@example.com', password: 'gina password' })
        .expect(201);
      await whoAmI(`Bearer ${res.body.accessToken}`).expect(401);
    } finally {
      await other.close();
    }
  });
});
