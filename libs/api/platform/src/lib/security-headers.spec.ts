import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import request from 'supertest';
import { HTTP_ADAPTERS } from './config';
import { createHttpApp } from './http-app';
import { HttpPlatformModule } from './http-platform.module';
import { API_SECURITY_HEADERS, DOCUMENT_SECURITY_HEADERS, securityHeadersFor } from './security-headers';

/** Under an API root (`health`) and outside every one (`ping`), as a storefront page would be. */
@Controller()
class PingController {
  @Get('health/ping')
  apiAnswer(): { ok: true } {
    return { ok: true };
  }

  @Get('ping')
  pageLike(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

/** Every header of `expected`, with its value, and none of the other set's own headers. */
function expectSet(headers: Record<string, unknown>, expected: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(expected)) expect([name, headers[name]]).toEqual([name, value]);
  const others = expected === API_SECURITY_HEADERS ? DOCUMENT_SECURITY_HEADERS : API_SECURITY_HEADERS;
  for (const name of Object.keys(others))
    if (!(name in expected)) expect([name, headers[name]]).toEqual([name, undefined]);
  // Plain HTTP behind the TLS edge: HSTS is the edge's to send.
  expect(headers['strict-transport-security']).toBeUndefined();
}

describe('the two header sets', () => {
  it('give an API answer a policy that allows nothing, and the rest of the OWASP API set', () => {
    expect(API_SECURITY_HEADERS).toEqual({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });

  it("give documents helmet's set with the storefront's policy", () => {
    const csp = DOCUMENT_SECURITY_HEADERS['content-security-policy'];
    for (const directive of ["script-src 'self'", "script-src-attr 'none'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'|unsafe-eval|upgrade-insecure-requests/);
    expect(DOCUMENT_SECURITY_HEADERS).toMatchObject({
      'cross-origin-opener-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });

  it.each([
    ['/products', API_SECURITY_HEADERS],
    ['/products/1/inventory?x=1', API_SECURITY_HEADERS],
    ['/buy', API_SECURITY_HEADERS],
    ['/admin/products/1/orders/export', API_SECURITY_HEADERS],
    ['/docs-json', API_SECURITY_HEADERS],
    ['/metrics', API_SECURITY_HEADERS],
    ['/docs', DOCUMENT_SECURITY_HEADERS],
    ['/docs/swagger-ui.css', DOCUMENT_SECURITY_HEADERS],
    ['/', DOCUMENT_SECURITY_HEADERS],
    ['/drops/1', DOCUMENT_SECURITY_HEADERS],
    ['/main-3F2A.js', DOCUMENT_SECURITY_HEADERS],
    ['/productsx', DOCUMENT_SECURITY_HEADERS],
    ['/?products', DOCUMENT_SECURITY_HEADERS],
  ])('choose by the first path segment: %s', (url, expected) => {
    expect(securityHeadersFor(url)).toBe(expected);
  });
});

describe.each(HTTP_ADAPTERS)('security headers on %s', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createHttpApp(
      { module: class TestApp {}, imports: [HttpPlatformModule, PingModule] },
      adapter,
      '/nonexistent-storefront',
    );
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it.each([
    ['an API answer', '/health/ping', 200, API_SECURITY_HEADERS],
    ['a problem answer under an API root', '/products/nothing/here', 404, API_SECURITY_HEADERS],
    ['an answer outside the API roots', '/ping', 200, DOCUMENT_SECURITY_HEADERS],
    ['a problem answer outside the API roots', '/no-such-route', 404, DOCUMENT_SECURITY_HEADERS],
  ])('are on %s', async (_what, path, status, expected) => {
    const res = await request(app.getHttpServer()).get(path).expect(status);
    expectSet(res.headers, expected);
  });
});
