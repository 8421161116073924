import { join } from 'node:path';
import {
  AdminOrder,
  ApiRoutes,
  DropSummary,
  ErrorCode,
  Order,
  OrderCancellation,
  OrdersPage,
  ProblemDetails,
} from '@gtd/shared-contracts';
import {
  availableOf,
  catalogWithStocks,
  cleanup,
  describeWithServices,
  dropFiles,
  fireConcurrently,
  makeTempDir,
  OPERATOR_TOKEN,
  provisionServices,
  DropServices,
  Reply,
  RequestSpec,
  RunningApi,
  send,
  startServer,
  tally,
} from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

type CancelBody = Partial<OrderCancellation> & Partial<ProblemDetails>;

const AUTH = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const CANCELS = 100;
const RUSH_STOCK = 100;
const RUSH_BUYS = 300;
const RUSH_SOCKETS = 16;

const cancelRequest = (orderId: string, headers: Record<string, string> = AUTH): RequestSpec => ({
  method: 'POST',
  path: ApiRoutes.admin.orderCancel(orderId),
  headers,
});

/**
 * The operator's cancel through the real server, on every store kind: atomic across requests and
 * processes (the contract suite proves the port; this proves the route). Where the kind is shared
 * (all but memory), cancels go to a second process while the first one sells.
 */
describeWithServices()('POST /admin/orders/{orderId}/cancel on every store', () => {
  let services: DropServices;

  beforeAll(async () => {
    services = await provisionServices('order_cancel');
  }, 60_000);

  afterAll(async () => {
    await cleanup();
    await services?.dispose();
  });

  const kinds: [string, number, () => Record<string, string>][] = [
    ['memory', 1, () => ({ STORE: 'memory', ADMIN_TOKEN: OPERATOR_TOKEN })],
    ['sqlite (one file, two processes)', 2, () => ({ STORE: 'sqlite', ADMIN_TOKEN: OPERATOR_TOKEN })],
    [
      'postgres (two processes)',
      2,
      () => ({ STORE: 'postgres', DATABASE_URL: services.databaseUrl, ADMIN_TOKEN: OPERATOR_TOKEN }),
    ],
    ['redis + postgres (two processes)', 2, () => services.env],
  ];

  describe.each(kinds)('%s', (kind, processes, env) => {
    let servers: RunningApi[] = [];
    /** Sells; `canceller` cancels (the other process where there are two). */
    const seller = () => servers[0].baseUrl;
    const canceller = () => servers[servers.length - 1].baseUrl;

    beforeAll(async () => {
      const files = dropFiles(catalogWithStocks(50, RUSH_STOCK));
      const shared = { ...files, sqlitePath: join(makeTempDir('gtd-e2e-cancel'), 'drop.sqlite') };
      // One after the other: the first migrates and seeds.
      for (let i = 0; i < processes; i++) servers.push(await startServer({ ...shared, env: env() }));
    }, 60_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      servers = [];
      // The postgres and redis kinds share the spec's database: the next kind starts on it afresh.
      if (kind.startsWith('postgres')) {
        await services.sql(
          'TRUNCATE products, orders, buyer_totals, idempotency_keys, rejections, audit_log, check_ins CASCADE',
        );
      }
    });

    const buy = async (productId: number, quantity: number) => {
      const reply = await send<BuyBody>(seller(), buyRequest(productId, quantity));
      expect(reply.status).toBe(201);
      return reply.body.orderId as string;
    };
    const available = (productId: number) => availableOf(canceller(), productId);
    const summary = async (productId: number) => {
      const reply = await send<DropSummary>(canceller(), {
        path: ApiRoutes.admin.summary(productId),
        headers: AUTH,
      });
      expect(reply.status).toBe(200);
      return reply.body;
    };
    const allOrders = async (productId: number): Promise<AdminOrder[]> => {
      const orders: AdminOrder[] = [];
      let after: string | null = null;
      do {
        const query = `?limit=500${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
        const page: Reply<OrdersPage> = await send<OrdersPage>(seller(), {
          path: `${ApiRoutes.admin.orders(productId)}${query}`,
          headers: AUTH,
        });
        expect(page.status).toBe(200);
        orders.push(...page.body.items);
        after = page.body.nextCursor;
      } while (after !== null);
      return orders;
    };

    it(`${CANCELS} concurrent cancels of one order: one 200, ${CANCELS - 1} × 409, the units back once; the receipt shows it`, async () => {
      const orderId = await buy(1, 3);
      const before = await available(1);
      const { replies } = await fireConcurrently<CancelBody>(
        canceller(),
        Array.from({ length: CANCELS }, () => cancelRequest(orderId)),
        CANCELS,
      );
      expect(tally(replies.map((r) => r.status))).toEqual({ '200': 1, '409': CANCELS - 1 });
      const won = replies.find((r) => r.status === 200)?.body as OrderCancellation;
      expect(won.order).toMatchObject({ orderId, productId: 1, quantity: 3, status: 'cancelled' });
      expect(won.available).toBe(before + 3);
      for (const refused of replies.filter((r) => r.status === 409)) {
        expect(refused.body).toMatchObject({
          code: ErrorCode.OrderAlreadyCancelled,
          cancelledAt: won.order.cancelledAt,
        });
      }
      expect(await available(1)).toBe(before + 3);
      const receipt = await send<Order>(seller(), { path: ApiRoutes.order(orderId) });
      expect(receipt.status).toBe(200);
      expect(receipt.body).toMatchObject({
        orderId,
        status: 'cancelled',
        cancelledAt: won.order.cancelledAt,
      });
      const audit = await send<{ action: string; details: Record<string, unknown> }[]>(canceller(), {
        path: `${ApiRoutes.admin.audit}?action=order.cancel`,
        headers: AUTH,
      });
      expect(audit.body.filter((e) => e.details['orderId'] === orderId)).toHaveLength(1);
    });

    it(`a rush of ${RUSH_BUYS} buys of ${RUSH_STOCK} units with concurrent cancels (each sent twice): sold + available = stock, every sale standing or cancelled once`, async () => {
      const cancels: Promise<Reply<CancelBody>[]>[] = [];
      let sold = 0;
      // Every second sale is cancelled as soon as its 201 arrives, twice at once, at the other
      // process, while the rush goes on: the units go back and sell again. The buys share
      // RUSH_SOCKETS connections, so they keep coming while the first cancels are answered.
      const { replies } = await fireConcurrently<BuyBody>(
        seller(),
        Array.from({ length: RUSH_BUYS }, () => buyRequest(2, 1)),
        RUSH_SOCKETS,
        (reply) => {
          if (reply.status !== 201 || sold++ % 2 !== 0) return;
          const orderId = reply.body.orderId as string;
          cancels.push(
            Promise.all([
              send<CancelBody>(canceller(), cancelRequest(orderId)),
              send<CancelBody>(canceller(), cancelRequest(orderId)),
            ]),
          );
        },
      );
      const cancelled = await Promise.all(cancels);
      expect(replies.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
      // Of each pair, exactly one cancel took effect.
      for (const pair of cancelled) expect(pair.map((r) => r.status).sort()).toEqual([200, 409]);

      const sales = replies.filter((r) => r.status === 201).map((r) => r.body.orderId as string);
      // Demand is three times the stock and cancels only add units: it sells out at least once.
      expect(sales.length).toBeGreaterThanOrEqual(RUSH_STOCK);
      const cancelledIds = new Set(
        cancelled.map((pair) => pair[0].body.order?.orderId ?? pair[1].body.order?.orderId),
      );
      expect(cancelledIds.size).toBe(cancels.length);
      const orders = await allOrders(2);
      expect(orders.map((o) => o.orderId).sort()).toEqual([...sales].sort());
      const standing = orders.filter((o) => o.status === 'sold');
      expect(
        orders
          .filter((o) => o.status === 'cancelled')
          .map((o) => o.orderId)
          .sort(),
      ).toEqual([...cancelledIds].sort());
      const figures = await summary(2);
      expect(figures.stock).toBe(RUSH_STOCK);
      expect(figures.sold + figures.available).toBe(RUSH_STOCK);
      expect(figures.sold).toBe(standing.reduce((sum, o) => sum + o.quantity, 0));
      expect(figures.orders).toBe(standing.length);
      expect(await available(2)).toBe(figures.available);
    }, 120_000);

    it('refuses a malformed id (400), an unknown order (404) and a call without the token (401)', async () => {
      const bad = await send<ProblemDetails>(canceller(), cancelRequest('not-a-uuid'));
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({
        code: ErrorCode.ValidationFailed,
        errors: [{ field: 'orderId', messages: ['orderId must be a UUID'] }],
      });
      const unknown = await send<ProblemDetails>(
        canceller(),
        cancelRequest('00000000-0000-4000-8000-000000000000'),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe(ErrorCode.OrderNotFound);
      const orderId = await buy(1, 1);
      const anonymous = await send<ProblemDetails>(canceller(), cancelRequest(orderId, {}));
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe(ErrorCode.Unauthorized);
      const receipt = await send<Order>(seller(), { path: ApiRoutes.order(orderId) });
      expect(receipt.body).toMatchObject({ status: 'sold', cancelledAt: null });
    });
  });
});
