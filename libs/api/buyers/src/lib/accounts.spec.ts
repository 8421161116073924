import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { BuyerStore, EmailKey } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import request from 'supertest';
import { BuyerVerification } from './buyer-verification';
import { BuyersModule } from './buyers.module';
import { BuyersModuleOptions } from './buyers.options';
import { MIXED_SCRIPT_MESSAGE } from './email-canonical';
import { hashPassword } from './password-hash';
import { PasswordHashGate } from './password-hash-gate';

// Registration and sign-in run scrypt at its production cost.
jest.setTimeout(60_000);

const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const PASSWORD = 'correct horse battery';
const CATALOG = [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 5 }];

const start = (options: Partial<BuyersModuleOptions> = {}) =>
  createFeatureTestApp(
    [BuyersModule.forRoot({ jwtSecret: SECRET, tokenTtlSeconds: 900, ...options })],
    CATALOG,
  );

describe('accounts keyed by canonical email', () => {
  let app: INestApplication;
  const verified: { id: string; email: string }[] = [];
  const recording: BuyerVerification = {
    kind: 'recording',
    registered: async (buyer) => void verified.push({ id: buyer.id, email: buyer.email }),
  };
  const post = (route: 'register' | 'sign-in', email: string, password = PASSWORD) =>
    request(app.getHttpServer()).post(`/auth/${route}`).send({ email, password });

  beforeAll(async () => {
    app = await start({ verification: recording });
  });
  afterAll(() => app.close());

  it('stores the canonical key, hands it to the verification step, and finds the account by any alias', async () => {
    const res = await post('register', 'A.Na+Drop@GoogleMail.com').expect(201);
    expect(res.body.buyer.email).toBe('ana@gmail.com');
    expect(verified).toEqual([{ id: res.body.buyer.id, email: 'ana@gmail.com' }]);
    for (const alias of ['ana@gmail.com', 'a.n.a+2@gmail.com', '\uff41na@gmail.com', 'an\u00ada@gmail.com']) {
      expect((await post('sign-in', alias).expect(200)).body.buyer.id).toBe(res.body.buyer.id);
    }
    const again = await post('register', 'an\u200ba+x@gmail.com').expect(409);
    expect(again.body.code).toBe(ErrorCode.EmailTaken);
    expect(verified).toHaveLength(1);
  });

  it('refuses a mixed-script email as 400 VALIDATION_FAILED on email, on both routes', async () => {
    for (const route of ['register', 'sign-in'] as const) {
      const res = await post(route, '\u0430na@gmail.com').expect(400);
      expect(res.body).toMatchObject({
        code: ErrorCode.ValidationFailed,
        errors: [{ field: 'email', messages: [MIXED_SCRIPT_MESSAGE] }],
      });
    }
  });

  it('still signs in an account stored before canonical keys (lower-cased only), and will not duplicate it', async () => {
    const store = app.get<BuyerStore>(BuyerStore);
    const legacy = {
      id: '0b9f8a43-2c1d-4e5f-8a7b-6c5d4e3f2a10',
      email: 'old.timer+shop@gmail.com' as EmailKey,
      passwordHash: await app.get(PasswordHashGate).run((deriveKey) => hashPassword(PASSWORD, deriveKey)),
      createdAt: new Date().toISOString(),
    };
    expect(await store.create(legacy)).toBe(true);
    const session = await post('sign-in', 'Old.Timer+Shop@gmail.com').expect(200);
    expect(session.body.buyer).toEqual({ id: legacy.id, email: legacy.email });
    // Its own spelling is taken, though its canonical key (oldtimer@gmail.com) is not stored.
    expect((await post('register', 'old.timer+shop@gmail.com').expect(409)).body.code).toBe(
      ErrorCode.EmailTaken,
    );
  });
});

describe('the email policy settings', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await start({ emailPolicy: { subaddress: 'keep', dots: 'keep' } });
  });
  afterAll(() => app.close());

  it('with subaddress and dots kept, a+1@ and a.na@ are accounts of their own', async () => {
    for (const email of ['ana@gmail.com', 'ana+1@gmail.com', 'a.na@gmail.com']) {
      const res = await request(app.getHttpServer())
        .post('/auth/register')
        .send({ email, password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.body.buyer.email).toBe(email);
    }
  });
});

describe('/auth limits and aliases', () => {
  let app: INestApplication;
  afterEach(() => app.close());
  const register = (email: string) =>
    request(app.getHttpServer()).post('/auth/register').send({ email, password: PASSWORD });

  it('counts registrations per client address: the fourth new account from one address is 429', async () => {
    app = await start({ authRateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await register(`new${i}@example.com`)).status).toBe(201);
    const limited = await register('new3@example.com');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: ErrorCode.RateLimited });
    expect(limited.body.detail).toContain('from this address');
  });

  it('counts every alias of one account against that account’s per-email budget', async () => {
    app = await start({ authEmailRateLimitPerMinute: 2 });
    const signIn = (email: string) =>
      request(app.getHttpServer())
        .post('/auth/sign-in')
        .send({ email, password: 'a wrong but long password' });
    expect((await signIn('ana@gmail.com')).status).toBe(401);
    expect((await signIn('a.na+1@gmail.com')).status).toBe(401);
    const limited = await signIn('\uff41n\u200ba@googlemail.com');
    expect(limited.status).toBe(429);
    expect(limited.body.detail).toContain('for this email');
  });
});
