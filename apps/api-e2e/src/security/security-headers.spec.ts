import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, RequestSpec, send, useServer } from '@gtd/testing';

/** The API's answers of each kind: JSON, problem+json of several statuses, the OpenAPI document. */
const API_ANSWERS: [what: string, spec: RequestSpec, status: number][] = [
  ['GET /products', { path: ApiRoutes.products }, 200],
  ['GET /health', { path: ApiRoutes.health }, 200],
  ['a 404 problem', { path: '/products/999' }, 404],
  ['a 400 problem', { method: 'POST', path: ApiRoutes.buy, json: { productId: 'x' } }, 400],
  ['the OpenAPI document', { path: ApiRoutes.openApiJson }, 200],
];

/** Documents a browser renders: Swagger UI, and a path outside the API's roots (the storefront's). */
const DOCUMENTS: [what: string, spec: RequestSpec, status: number][] = [
  ['Swagger UI', { path: ApiRoutes.docs }, 200],
  ['a path outside the API', { path: '/no-such-page', headers: { accept: 'application/json' } }, 404],
];

const expectCommonHeaders = (headers: Record<string, unknown>): void => {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  // HSTS is the TLS edge's header (README); this server speaks plain HTTP.
  expect(headers['strict-transport-security']).toBeUndefined();
  expect(headers['x-powered-by']).toBeUndefined();
};

describe.each(HTTP_ADAPTERS)('security headers on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(5), { HTTP_ADAPTER: httpAdapter });

  it.each(API_ANSWERS)('of the API are on %s: a policy that allows nothing', async (_what, spec, status) => {
    const reply = await send(server.baseUrl, spec);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expectCommonHeaders(reply.headers);
    // Headers only a rendered document uses stay off the crowd's answers.
    for (const name of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control']) {
      expect([name, reply.headers[name]]).toEqual([name, undefined]);
    }
  });

  it.each(DOCUMENTS)("of a document are on %s: the storefront's policy", async (_what, spec, status) => {
    const reply = await send(server.baseUrl, spec);
    expect(reply.status).toBe(status);
    const csp = String(reply.headers['content-security-policy'] ?? '');
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "script-src-attr 'none'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'|unsafe-eval|upgrade-insecure-requests/);
    expect(reply.headers['cross-origin-opener-policy']).toBe('same-origin');
    expectCommonHeaders(reply.headers);
  });
});
