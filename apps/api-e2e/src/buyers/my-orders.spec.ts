import { ApiRoutes, AuthSession, ErrorCode, MyOrder, MyOrdersPage, Order } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  cleanup,
  describeWithServices,
  dropFiles,
  DropServices,
  OPERATOR_TOKEN,
  provisionServices,
  RunningApi,
  send,
  startServer,
} from '@gtd/testing';
import { asBuyer, BuyBody, buyRequest, register } from '../support/drop';

// Registration runs scrypt at its production cost.
jest.setTimeout(120_000);

const CATALOG = catalogWithStocks(100, 100);

/** Every page of the caller's orders, following `nextCursor`, `limit` at a time. */
async function allMyOrders(baseUrl: string, session: AuthSession, limit: number): Promise<MyOrder[]> {
  const items: MyOrder[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? `?limit=${limit}` : `?limit=${limit}&after=${after}`;
    const reply = await send<MyOrdersPage>(
      baseUrl,
      asBuyer({ path: `${ApiRoutes.myOrders}${query}` }, session),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('private, no-store');
    expect(reply.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...reply.body.items);
    after = reply.body.nextCursor;
  } while (after !== null);
  return items;
}

/** The same story on each store kind, against the built server. */
function myOrdersStory(env: () => Record<string, string>): void {
  let server: RunningApi;
  let ann: AuthSession;
  let bob: AuthSession;

  beforeAll(async () => {
    server = await startServer({ ...dropFiles(CATALOG), env: env() });
    const [a, b] = await Promise.all([
      register(server.baseUrl, `ann-${process.pid}@example.com`),
      register(server.baseUrl, `bob-${process.pid}@example.com`),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    [ann, bob] = [a.body, b.body];
  }, 60_000);

  afterAll(() => server?.stop());

  const buy = async (session: AuthSession | null, productId: number, quantity: number) => {
    const spec = buyRequest(productId, quantity);
    const reply = await send<BuyBody>(server.baseUrl, session ? asBuyer(spec, session) : spec);
    expect(reply.status).toBe(201);
    return reply.body.orderId as string;
  };
  const setPrice = async (productId: number, price: number) => {
    const reply = await send(server.baseUrl, {
      method: 'PATCH',
      path: ApiRoutes.admin.product(productId),
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      json: { price },
    });
    expect(reply.status).toBe(200);
  };

  it('each buyer sees only their own orders, paged, and a later price change leaves every receipt', async () => {
    const [price1, price2] = [CATALOG[0].price, CATALOG[1].price];
    const annOrders = [await buy(ann, 1, 2), await buy(ann, 2, 1)];
    const bobOrders = [await buy(bob, 1, 1)];
    await buy(null, 1, 3);
    // Concurrent purchases of both buyers: each still sees exactly their own.
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => buy(i % 2 === 0 ? ann : bob, 1, 1)),
    );
    annOrders.push(...concurrent.filter((_, i) => i % 2 === 0));
    bobOrders.push(...concurrent.filter((_, i) => i % 2 === 1));

    const annSees = await allMyOrders(server.baseUrl, ann, 3);
    const bobSees = await allMyOrders(server.baseUrl, bob, 3);
    expect(annSees.map((o) => o.orderId).sort()).toEqual([...annOrders].sort());
    expect(bobSees.map((o) => o.orderId).sort()).toEqual([...bobOrders].sort());
    const first = annSees.find((o) => o.orderId === annOrders[0]);
    expect(first).toEqual({
      orderId: annOrders[0],
      productId: 1,
      productName: CATALOG[0].name,
      quantity: 2,
      unitPrice: price1,
      currency: CATALOG[0].currency,
      total: 2 * price1,
      createdAt: expect.any(String),
      status: 'sold',
      cancelledAt: null,
    });
    expect(annSees.find((o) => o.orderId === annOrders[1])).toMatchObject({
      unitPrice: price2,
      total: price2,
    });

    await setPrice(1, price1 + 250);
    const after = await buy(ann, 1, 1);
    const annLater = await allMyOrders(server.baseUrl, ann, 100);
    // Receipts from before the change are unchanged; the new order has the new price.
    expect(annLater.filter((o) => o.orderId !== after)).toEqual(annSees);
    expect(annLater[annLater.length - 1]).toMatchObject({ orderId: after, unitPrice: price1 + 250 });
    const receipt = await send<Order>(server.baseUrl, { path: ApiRoutes.order(annOrders[0]) });
    expect(receipt.body).toMatchObject({ unitPrice: price1, total: 2 * price1 });
    expect(await allMyOrders(server.baseUrl, bob, 100)).toEqual(bobSees);
  });

  it('refuses a caller without a token, or with a bad one, and a bad page', async () => {
    const anonymous = await send(server.baseUrl, { path: ApiRoutes.myOrders });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: ErrorCode.AuthRequired });
    const forged = await send(
      server.baseUrl,
      asBuyer({ path: ApiRoutes.myOrders }, { accessToken: 'x.y.z' }),
    );
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: ErrorCode.Unauthorized });
    for (const query of ['?limit=0', '?limit=101', `?after=${Buffer.from('x|y').toString('base64url')}`]) {
      const reply = await send(server.baseUrl, asBuyer({ path: `${ApiRoutes.myOrders}${query}` }, ann));
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: ErrorCode.ValidationFailed });
    }
  });
}

// One kind on each HTTP platform: the guard, the query pipe and the private Cache-Control on both.
describe('GET /me/orders on sqlite, fastify', () => {
  afterAll(() => cleanup());
  myOrdersStory(() => ({ STORE: 'sqlite', ADMIN_TOKEN: OPERATOR_TOKEN, HTTP_ADAPTER: 'fastify' }));
});

describeWithServices()('GET /me/orders on redis + postgres, express', () => {
  let services: DropServices;

  beforeAll(async () => {
    services = await provisionServices('my_orders');
  }, 60_000);

  afterAll(async () => {
    await cleanup();
    await services?.dispose();
  });

  myOrdersStory(() => services.env);
});
