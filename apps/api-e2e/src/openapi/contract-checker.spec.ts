import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, Reply, send, useServer } from '@gtd/testing';
import { ContractChecker, OpenApiDocument } from './contract-checker';

const ADMIN_TOKEN = 'contract-admin-token-0123';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const ORDER = '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10';

/**
 * The checker every api-e2e spec runs (check-every-reply.ts) can fail: it refuses answers the
 * document does not describe. And the answers of every documented route, conditional GETs
 * included, pass it on both platforms (the set-up file checks each one the helpers receive).
 */
describe.each(HTTP_ADAPTERS)('the OpenAPI response checker on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(3), { HTTP_ADAPTER: httpAdapter, ADMIN_TOKEN });
  let checker: ContractChecker;
  let products: Reply;

  beforeAll(async () => {
    const doc = await send<OpenApiDocument>(server.baseUrl, { path: ApiRoutes.openApiJson });
    checker = new ContractChecker(doc.body);
    products = await send(server.baseUrl, { path: ApiRoutes.products });
  });

  it('passes a documented answer', () => {
    expect(checker.check('GET', ApiRoutes.products, products)).toEqual([]);
  });

  it('refuses an undocumented status, media type, body or missing header', () => {
    expect(checker.check('GET', ApiRoutes.products, { ...products, status: 418 })).toEqual([
      expect.stringMatching(/^status 418 is not documented/),
    ]);
    const html = { ...products, headers: { ...products.headers, 'content-type': 'text/html' } };
    expect(checker.check('GET', ApiRoutes.products, html)).toEqual([
      expect.stringMatching(/content type "text\/html" is not documented/),
    ]);
    const fractional = [{ ...(products.body as object[])[0], id: 1.5 }];
    expect(
      checker.check('GET', ApiRoutes.products, {
        ...products,
        body: fractional,
        text: JSON.stringify(fractional),
      }),
    ).toEqual([expect.stringMatching(/body does not match the schema: .*id must be integer/)]);
    const extra = [{ ...(products.body as object[])[0], secret: 'x' }];
    expect(
      checker.check('GET', ApiRoutes.products, { ...products, body: extra, text: JSON.stringify(extra) }),
    ).toEqual([expect.stringMatching(/must NOT have additional properties/)]);
    const withoutId = { ...products.headers };
    delete withoutId['x-request-id'];
    expect(checker.check('GET', ApiRoutes.products, { ...products, headers: withoutId })).toEqual([
      'required header X-Request-Id is missing',
    ]);
  });

  it('refuses an error that is not a problem, also off the documented paths', () => {
    const plain = {
      status: 404,
      headers: { 'content-type': 'text/html' },
      text: '<p>no</p>',
      body: undefined,
    };
    expect(checker.check('GET', '/nowhere', plain)).toContainEqual(
      expect.stringMatching(/"text\/html" is not/),
    );
    expect(checker.check('GET', ApiRoutes.product(1), plain)).toEqual([
      'required header X-Request-Id is missing',
      expect.stringMatching(/"text\/html" is not documented/),
    ]);
  });

  // Each of these goes through the set-up file's checker too: a mismatch fails this test.
  it.each([
    ['GET', ApiRoutes.products, {}],
    ['GET', ApiRoutes.products, { 'if-none-match': '*' }],
    ['GET', ApiRoutes.product(1), { 'if-none-match': '*' }],
    ['GET', ApiRoutes.inventory(1), { 'if-none-match': '*' }],
    ['GET', ApiRoutes.product(99), {}],
    ['GET', '/products/abc', {}],
    ['GET', `/orders/${ORDER}`, {}],
    ['GET', ApiRoutes.health, {}],
    ['GET', ApiRoutes.health, { 'if-none-match': '*' }],
    ['GET', ApiRoutes.metrics, {}],
    ['GET', '/admin/health', admin],
    ['GET', '/admin/products', { ...admin, 'if-none-match': '*' }],
    ['GET', '/admin/products/1/orders?after=bad', admin],
    ['GET', '/admin/products/1/summary', admin],
    ['GET', '/admin/audit?before=1', admin],
    ['GET', '/admin/products', { authorization: 'Bearer wrong-token-of-some-length' }],
    ['DELETE', ApiRoutes.products, {}],
    ['GET', '/no/such/route', {}],
  ])('%s %s %j is as documented', async (method, path, headers) => {
    const reply = await send(server.baseUrl, { method, path, headers });
    expect(reply.status).toBeGreaterThan(0);
    expect(checker.check(method, path, reply)).toEqual([]);
  });
});
