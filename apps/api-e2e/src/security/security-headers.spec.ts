import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, RequestSpec, send, useServer } from '@gtd/testing';

/** An answer of each kind the server gives: JSON, problem+json of several statuses, Swagger UI, its assets. */
const ANSWERS: [what: string, spec: RequestSpec, status: number][] = [
  ['GET /products', { path: ApiRoutes.products }, 200],
  ['GET /health', { path: ApiRoutes.health }, 200],
  ['a 404 problem', { path: '/products/999' }, 404],
  ['a 400 problem', { method: 'POST', path: ApiRoutes.buy, json: { productId: 'x' } }, 400],
  ['Swagger UI', { path: ApiRoutes.docs }, 200],
  ['the OpenAPI document', { path: ApiRoutes.openApiJson }, 200],
];

describe.each(HTTP_ADAPTERS)('security headers on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(5), { HTTP_ADAPTER: httpAdapter });

  it.each(ANSWERS)('are on %s', async (_what, spec, status) => {
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
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['x-frame-options']).toBe('DENY');
    // HSTS is the TLS edge's header (README); this server speaks plain HTTP.
    expect(reply.headers['strict-transport-security']).toBeUndefined();
    expect(reply.headers['x-powered-by']).toBeUndefined();
  });
});
