import { ApiRoutes, AuthSession, ErrorCode } from '@gtd/shared-contracts';
import { CatalogEntry, catalogWithStocks, send, useServer } from '@gtd/testing';
import { asBuyer, BuyBody, buyRequest, register } from '../support/drop';

// Each registration and sign-in runs scrypt at its production cost.
jest.setTimeout(120_000);

const LIMIT = 2;
const PASSWORD = 'correct horse battery';
const CATALOG: CatalogEntry[] = [{ ...catalogWithStocks(1000)[0], perBuyerLimit: LIMIT }];

/** Spellings of ana@gmail.com that each made a new account (and a new per-buyer limit) before. */
const ALIASES = [
  'ana+1@gmail.com', // subaddress
  'a.na@gmail.com', // dots, which Gmail ignores
  'ana@googlemail.com', // Gmail's other domain
  '\u0430na@gmail.com', // Cyrillic а
  '\uff41na@gmail.com', // full-width ａ
  'an\u200ba@gmail.com', // zero-width space
  'an\u00ada@gmail.com', // soft hyphen
  'ANA@GMAIL.COM',
];

describe('aliases of one account', () => {
  // The per-email /auth limit counts every spelling of the account as one; off so it cannot mask the answers.
  const server = useServer(CATALOG, { AUTH_EMAIL_RATE_LIMIT: '0' });
  let ana: AuthSession;

  beforeAll(async () => {
    const registered = await register(server.baseUrl, 'ana@gmail.com', PASSWORD);
    expect(registered.status).toBe(201);
    ana = registered.body;
  });

  it.each(ALIASES)('refuses to register %j as a new account', async (alias) => {
    const reply = await register(server.baseUrl, alias, 'another long password');
    expect([409, 400]).toContain(reply.status);
    expect(reply.body).toMatchObject(
      reply.status === 409
        ? { code: ErrorCode.EmailTaken }
        : { code: ErrorCode.ValidationFailed, errors: [{ field: 'email' }] },
    );
  });

  it('lets a buyer who bought the limit buy no more through any alias', async () => {
    expect((await send<BuyBody>(server.baseUrl, asBuyer(buyRequest(1, LIMIT), ana))).status).toBe(201);
    for (const alias of ALIASES) {
      const session = await send<AuthSession>(server.baseUrl, {
        method: 'POST',
        path: ApiRoutes.signIn,
        json: { email: alias, password: PASSWORD },
      });
      if (session.status !== 200) {
        // A spelling that cannot be an account is refused outright.
        expect(session.body).toMatchObject({ code: ErrorCode.ValidationFailed });
        continue;
      }
      // Any other spelling signs in to ana's own account, whose limit is spent.
      expect(session.body.buyer.id).toBe(ana.buyer.id);
      const buy = await send<BuyBody>(server.baseUrl, asBuyer(buyRequest(1, 1), session.body));
      expect(buy.status).toBe(409);
      expect(buy.body.code).toBe(ErrorCode.LimitReached);
    }
  });
});

describe('EMAIL_SUBADDRESS_POLICY=keep and EMAIL_DOTS_POLICY=keep', () => {
  const server = useServer(CATALOG, { EMAIL_SUBADDRESS_POLICY: 'keep', EMAIL_DOTS_POLICY: 'keep' });

  it('make a+1@ and a.na@ accounts of their own (and still fold case, width and invisible characters)', async () => {
    for (const email of ['ana@gmail.com', 'ana+1@gmail.com', 'a.na@gmail.com']) {
      expect((await register(server.baseUrl, email, PASSWORD)).status).toBe(201);
    }
    for (const alias of ['ANA+1@gmail.com', '\uff41.na@gmail.com', 'an\u200ba@gmail.com']) {
      expect((await register(server.baseUrl, alias, PASSWORD)).body).toMatchObject({
        code: ErrorCode.EmailTaken,
      });
    }
  });
});
