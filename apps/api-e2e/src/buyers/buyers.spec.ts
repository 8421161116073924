import { ApiRoutes, AuthSession, ErrorCode } from '@gtd/shared-contracts';
import { CatalogEntry, catalogWithStocks, HTTP_ADAPTERS, send, tally, useServer, volley } from '@gtd/testing';
import { asBuyer, availableOf, BuyBody, buyRequest, register } from '../support/drop';

// Sign-up and sign-in run scrypt at its production cost.
jest.setTimeout(120_000);

const LIMIT = 2;
/** Product 1: limited per buyer; product 2: open to anonymous buyers. */
const CATALOG: CatalogEntry[] = [
  { ...catalogWithStocks(1000)[0], perBuyerLimit: LIMIT },
  { ...catalogWithStocks(1000, 1000)[1] },
];

const signIn = (baseUrl: string, email: string, password = 'correct horse battery') =>
  send<AuthSession>(baseUrl, { method: 'POST', path: ApiRoutes.signIn, json: { email, password } });

describe.each(HTTP_ADAPTERS)('buyers and per-buyer limits on %s', (httpAdapter) => {
  const server = useServer(CATALOG, { HTTP_ADAPTER: httpAdapter });

  it('registers, refuses the email twice, signs in, and refuses wrong credentials alike', async () => {
    const registered = await register(server.baseUrl, 'Ada@Example.com');
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 3600,
      buyer: { email: 'ada@example.com' },
    });
    const again = await register(server.baseUrl, 'ada@example.com', 'another password');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: ErrorCode.EmailTaken });

    const session = await signIn(server.baseUrl, 'ADA@example.com');
    expect(session.status).toBe(200);
    expect(session.body.buyer).toEqual(registered.body.buyer);

    const wrong = await signIn(server.baseUrl, 'ada@example.com', 'wrong password');
    const unknown = await signIn(server.baseUrl, 'nobody@example.com');
    for (const reply of [wrong, unknown]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: ErrorCode.InvalidCredentials });
    }
    // Nothing in the answer tells an unknown account from a wrong password.
    expect(unknown.body).toEqual(wrong.body);

    const invalid = await send<{ errors: { field: string }[] }>(server.baseUrl, {
      method: 'POST',
      path: ApiRoutes.register,
      json: { email: 'no-at-sign', password: 'short' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e) => e.field).sort()).toEqual(['email', 'password']);
  });

  it('asks anonymous buyers of a limited drop to sign in, and refuses a bad token', async () => {
    const anonymous = await send<BuyBody>(server.baseUrl, buyRequest(1, 1));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe(ErrorCode.AuthRequired);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');

    const forged = await send<BuyBody>(server.baseUrl, {
      ...buyRequest(2, 1),
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe(ErrorCode.Unauthorized);

    expect((await send(server.baseUrl, buyRequest(2, 1))).status).toBe(201);
  });

  it(`sells exactly ${LIMIT} of 200 concurrent purchases from one buyer; the rest are LIMIT_REACHED`, async () => {
    const session = (await register(server.baseUrl, `rush-${httpAdapter}@example.com`)).body;
    const before = await availableOf(server.baseUrl, 1);
    const { replies } = await volley<BuyBody>(
      server.baseUrl,
      200,
      () => asBuyer(buyRequest(1, 1), session),
      200,
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': LIMIT, '409': 200 - LIMIT });
    const rejected = replies.filter((r) => r.status === 409);
    expect(tally(rejected.map((r) => r.body.code))).toEqual({ [ErrorCode.LimitReached]: 200 - LIMIT });
    expect(rejected[0].body).toMatchObject({ limit: LIMIT, bought: LIMIT, productId: 1 });
    expect(await availableOf(server.baseUrl, 1)).toBe(before - LIMIT);

    // Another buyer still gets their own share.
    const other = (await register(server.baseUrl, `other-${httpAdapter}@example.com`)).body;
    expect((await send(server.baseUrl, asBuyer(buyRequest(1, LIMIT), other))).status).toBe(201);
  });
});

describe('WORKERS=2 without JWT_SECRET', () => {
  const server = useServer(CATALOG, {}, { workers: 2 });

  it('accepts a token issued by one worker on every worker', async () => {
    const session = (await register(server.baseUrl, 'workers@example.com')).body;
    // Fresh connections are spread over both workers; a per-worker secret would fail about half.
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        send<BuyBody>(
          server.baseUrl,
          asBuyer({ ...buyRequest(2, 1), headers: { connection: 'close' } }, session),
        ),
      ),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': 20 });
  });
});
