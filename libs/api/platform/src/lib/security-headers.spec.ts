import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import request from 'supertest';
import { HTTP_ADAPTERS } from './config';
import { createHttpApp } from './http-app';
import { HttpPlatformModule } from './http-platform.module';

@Controller('ping')
class PingController {
  @Get()
  ping(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

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
    ['an API answer', '/ping', 200],
    ['a problem answer', '/no-such-route', 404],
  ])('are on %s', async (_what, path, status) => {
    const res = await request(app.getHttpServer()).get(path).expect(status);
    const csp = res.headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    // Plain HTTP behind the TLS edge: HSTS is the edge's to send.
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
