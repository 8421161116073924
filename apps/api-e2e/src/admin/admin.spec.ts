import {
  AdminProduct,
  ApiRoutes,
  AuditEntry,
  DropSummary,
  ErrorCode,
  OrdersPage,
} from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  cleanup,
  HTTP_ADAPTERS,
  RequestSpec,
  send,
  startWithCatalog,
  tally,
  useServer,
  volley,
} from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

const TOKEN = 'e2e-operator-token-0123456789';

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { security?: object[]; responses: Record<string, { content?: Record<string, unknown> }> }>
  >;
  components: { securitySchemes: Record<string, object> };
}

/** Every operator route with a body valid for it. */
const ROUTES: RequestSpec[] = [
  {
    method: 'POST',
    path: ApiRoutes.admin.products,
    json: { name: 'Drop', price: 100, currency: 'EUR', stock: 5 },
  },
  { method: 'GET', path: ApiRoutes.admin.products },
  { method: 'GET', path: ApiRoutes.admin.product(1) },
  { method: 'PATCH', path: ApiRoutes.admin.product(1), json: { description: 'Changed' } },
  { method: 'POST', path: ApiRoutes.admin.restock(1), json: { mode: 'add', quantity: 1 } },
  { method: 'POST', path: ApiRoutes.admin.pause(1) },
  { method: 'POST', path: ApiRoutes.admin.resume(1) },
  { method: 'GET', path: `${ApiRoutes.admin.orders(1)}?limit=5` },
  { method: 'GET', path: ApiRoutes.admin.ordersExport(1) },
  { method: 'GET', path: ApiRoutes.admin.summary(1) },
  { method: 'GET', path: `${ApiRoutes.admin.audit}?limit=5` },
  { method: 'GET', path: ApiRoutes.admin.health },
];

const named = ROUTES.map((spec) => [`${spec.method} ${spec.path}`, spec] as const);

const withAuth = (spec: RequestSpec, authorization?: string): RequestSpec =>
  authorization === undefined ? spec : { ...spec, headers: { ...spec.headers, authorization } };

describe.each(HTTP_ADAPTERS)('operator API on %s', (httpAdapter) => {
  afterAll(cleanup);

  describe('with ADMIN_TOKEN', () => {
    const server = useServer(catalogWithStocks(10), { HTTP_ADAPTER: httpAdapter, ADMIN_TOKEN: TOKEN });
    const admin = <T>(spec: RequestSpec) => send<T>(server.baseUrl, withAuth(spec, `Bearer ${TOKEN}`));

    it.each(named)('%s: no token → 401, wrong token → 401, right token → 2xx', async (_name, spec) => {
      const missing = await send(server.baseUrl, spec);
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ code: ErrorCode.Unauthorized });
      for (const wrong of [`Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN} `.repeat(2), `Basic ${TOKEN}`]) {
        const reply = await send(server.baseUrl, withAuth(spec, wrong));
        expect(reply.status).toBe(401);
        expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
        expect(reply.body).toMatchObject({ code: ErrorCode.Unauthorized });
      }
      expect([200, 201]).toContain((await admin(spec)).status);
    });

    it('validates every field of a new drop, naming each, and never answers 5xx', async () => {
      const bad = await admin<{ code: string; errors: { field: string }[] }>({
        method: 'POST',
        path: ApiRoutes.admin.products,
        json: {
          name: '',
          description: 7,
          price: -1,
          currency: 'euro',
          stock: 1.5,
          startsAt: '2026-11-25',
          endsAt: 'soon',
          perBuyerLimit: 0,
          extra: true,
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e) => e.field).sort()).toEqual([
        'currency',
        'description',
        'endsAt',
        'extra',
        'name',
        'perBuyerLimit',
        'price',
        'startsAt',
        'stock',
      ]);
      const oddities: RequestSpec[] = [
        {
          method: 'POST',
          path: ApiRoutes.admin.products,
          rawBody: '{"name":',
          headers: { 'content-type': 'application/json' },
        },
        { method: 'POST', path: ApiRoutes.admin.products, json: [] },
        { method: 'POST', path: ApiRoutes.admin.products, json: null },
        {
          method: 'PATCH',
          path: ApiRoutes.admin.product(1),
          rawBody: '{"__proto__":{"paused":true}}',
          headers: { 'content-type': 'application/json' },
        },
        { method: 'PATCH', path: `${ApiRoutes.admin.products}/99999999999999999`, json: { name: 'x' } },
        { method: 'POST', path: ApiRoutes.admin.restock(1), json: { mode: 'add', quantity: 1e300 } },
        { method: 'GET', path: `${ApiRoutes.admin.orders(1)}?after=%FF` },
        { method: 'GET', path: `${ApiRoutes.admin.audit}?before=99999999999999999999` },
        { method: 'POST', path: ApiRoutes.admin.pause(0) },
      ];
      const answers = [];
      for (const spec of oddities) {
        const reply = await admin<{ code?: string }>(spec);
        answers.push({
          request: `${spec.method} ${spec.path}`,
          status: reply.status,
          problem: /^application\/problem\+json/.test(reply.headers['content-type'] ?? ''),
        });
      }
      const clientErrors = answers.filter((a) => a.status >= 400 && a.status < 500 && a.problem);
      expect(clientErrors).toEqual(answers);
    });

    it('runs a drop: create, restock, pause, resume, sell, page orders, sum up, all audited', async () => {
      const created = await admin<AdminProduct>({
        method: 'POST',
        path: ApiRoutes.admin.products,
        json: { name: 'Limited Hoodie', price: 6500, currency: 'EUR', stock: 3, perBuyerLimit: 5 },
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(created.body).toMatchObject({ state: 'live', available: 3, paused: false, perBuyerLimit: 5 });
      // Anonymous buyers may buy it once the limit is lifted.
      expect(
        (
          await admin<AdminProduct>({
            method: 'PATCH',
            path: ApiRoutes.admin.product(id),
            json: { perBuyerLimit: null },
          })
        ).body.perBuyerLimit,
      ).toBeNull();
      const restocked = await admin<AdminProduct>({
        method: 'POST',
        path: ApiRoutes.admin.restock(id),
        json: { mode: 'add', quantity: 2 },
      });
      expect(restocked.body).toMatchObject({ stock: 5, available: 5 });

      expect((await admin({ method: 'POST', path: ApiRoutes.admin.pause(id) })).status).toBe(200);
      const whilePaused = await send<BuyBody>(server.baseUrl, buyRequest(id, 1));
      expect(whilePaused.status).toBe(409);
      expect(whilePaused.body.code).toBe(ErrorCode.Paused);
      expect((await admin({ method: 'POST', path: ApiRoutes.admin.resume(id) })).status).toBe(200);

      const { replies } = await volley<BuyBody>(server.baseUrl, 20, () => buyRequest(id, 1));
      expect(tally(replies.map((r) => r.status))).toEqual({ '201': 5, '409': 15 });

      const first = await admin<OrdersPage>({ method: 'GET', path: `${ApiRoutes.admin.orders(id)}?limit=3` });
      expect(first.body.items).toHaveLength(3);
      const rest = await admin<OrdersPage>({
        method: 'GET',
        path: `${ApiRoutes.admin.orders(id)}?limit=3&after=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      });
      expect(rest.body).toMatchObject({ nextCursor: null });
      const orderIds = [...first.body.items, ...rest.body.items].map((o) => o.orderId);
      expect(new Set(orderIds).size).toBe(5);

      const summary = await admin<DropSummary>({ method: 'GET', path: ApiRoutes.admin.summary(id) });
      expect(summary.body).toEqual({
        productId: id,
        state: 'sold_out',
        stock: 5,
        sold: 5,
        available: 0,
        orders: 5,
        buyers: 0,
        rejects: { [ErrorCode.Paused]: 1, [ErrorCode.SoldOut]: 15 },
      });

      const audit = await admin<AuditEntry[]>({ method: 'GET', path: `${ApiRoutes.admin.audit}?limit=500` });
      const mine = audit.body.filter((e) => e.productId === id);
      expect(mine.map((e) => e.action)).toEqual([
        'product.resume',
        'product.pause',
        'product.restock',
        'product.update',
        'product.create',
      ]);
      for (const entry of mine) {
        expect(entry.actor).toBe('admin@127.0.0.1');
        expect(Date.parse(entry.at)).not.toBeNaN();
      }
      expect(mine[2].details).toEqual({
        mode: 'add',
        quantity: 2,
        before: { stock: 3, available: 3 },
        after: { stock: 5, available: 5 },
      });
      expect(mine[4].details).toEqual({
        name: 'Limited Hoodie',
        price: 6500,
        currency: 'EUR',
        stock: 3,
        perBuyerLimit: 5,
      });
    });
  });

  it('documents every operator route in OpenAPI with the admin bearer scheme and its 401 and 403', async () => {
    const server = await startWithCatalog(catalogWithStocks(10), { HTTP_ADAPTER: httpAdapter });
    const doc = await send<OpenApiDocument>(server.baseUrl, { path: ApiRoutes.openApiJson });
    expect(doc.body.components.securitySchemes['admin']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const documented = ROUTES.map((spec) => {
      const path = spec.path.split('?')[0].replace(/\/1(?=\/|$)/, '/{id}');
      const operation = doc.body.paths[path]?.[(spec.method ?? 'GET').toLowerCase()];
      return {
        route: `${spec.method} ${path}`,
        security: operation?.security,
        problems: ['401', '403'].map((status) => Object.keys(operation?.responses[status]?.content ?? {})),
      };
    });
    expect(documented).toEqual(
      documented.map(({ route }) => ({
        route,
        security: [{ admin: [] }],
        problems: [['application/problem+json'], ['application/problem+json']],
      })),
    );
  });

  describe('without ADMIN_TOKEN', () => {
    const server = useServer(catalogWithStocks(10), { HTTP_ADAPTER: httpAdapter });

    it.each(named)('%s → 403 ADMIN_DISABLED with or without a token', async (_name, spec) => {
      for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
        const reply = await send(server.baseUrl, withAuth(spec, authorization));
        expect(reply.status).toBe(403);
        expect(reply.body).toMatchObject({ code: ErrorCode.AdminDisabled, status: 403 });
      }
    });

    it('keeps the public API working', async () => {
      expect((await send<BuyBody>(server.baseUrl, buyRequest(1, 1))).status).toBe(201);
    });
  });
});
