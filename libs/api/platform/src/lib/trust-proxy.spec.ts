import { Controller, Get, INestApplication, Module, Req } from '@nestjs/common';
import request from 'supertest';
import {
  HTTP_ADAPTERS,
  TrustProxy,
  trustProxySetting,
  trustProxyWarning,
  validateEnvironment,
} from './config';
import { createHttpApp } from './http-app';
import { HttpPlatformModule } from './http-platform.module';

@Controller('whoami')
class WhoAmIController {
  @Get()
  whoAmI(@Req() req: { ip?: string }): { ip: string | undefined } {
    return { ip: req.ip };
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['1', 1],
    ['loopback, 10.0.0.0/8', 'loopback,10.0.0.0/8'],
  ])('reads %p as %p', (raw, expected) => {
    expect(trustProxySetting(raw)).toEqual(expected);
  });

  it('warns when every hop is trusted (any client can name its own address), and only then', () => {
    expect(trustProxyWarning(true)).toMatch(/TRUST_PROXY=true.*X-Forwarded-For/);
    for (const bounded of [false, 1, 'loopback,10.0.0.0/8'])
      expect(trustProxyWarning(bounded)).toBeUndefined();
  });

  it('refuses a value that is no address list', () => {
    expect(() => validateEnvironment({ TRUST_PROXY: 'yes please!' })).toThrow(/TRUST_PROXY/);
  });

  describe.each(HTTP_ADAPTERS)('on %s', (adapter) => {
    const clientAddress = async (trustProxy: TrustProxy, forwardedFor = '203.0.113.7'): Promise<string> => {
      const app: INestApplication = await createHttpApp(
        { module: class TestApp {}, imports: [HttpPlatformModule, WhoAmIModule] },
        adapter,
        '/nonexistent-storefront',
        trustProxy,
      );
      try {
        await app.init();
        if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
        const res = await request(app.getHttpServer())
          .get('/whoami')
          .set('X-Forwarded-For', forwardedFor)
          .expect(200);
        return res.body.ip;
      } finally {
        await app.close();
      }
    };

    it('ignores X-Forwarded-For by default: the socket is the client', async () => {
      expect(await clientAddress(false)).toMatch(/127\.0\.0\.1|::1/);
    });

    it('takes the client from X-Forwarded-For when the proxy is trusted', async () => {
      expect(await clientAddress('loopback')).toBe('203.0.113.7');
    });

    it.each<[TrustProxy, string]>([
      [true, 'admin'],
      [true, '<script>alert(1)</script>'],
      [true, '203.0.113.7x'],
      [true, 'not-an-ip, 198.51.100.1'],
      [1, 'unknown'],
      [2, 'spoofed, 10.0.0.1'],
      ['loopback', '999.1.1.1'],
    ])(
      'with TRUST_PROXY=%p never takes a value that is no IP (%p): the socket is the client',
      async (trust, xff) => {
        expect(await clientAddress(trust, xff)).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
      },
    );

    it('counts hops the same on both platforms: TRUST_PROXY=1 trusts the nearest proxy, 2 the next as well', async () => {
      expect(await clientAddress(1, '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
      expect(await clientAddress(2, '198.51.100.1, 203.0.113.7')).toBe('198.51.100.1');
    });

    it('still takes a valid IPv6 client from a trusted proxy', async () => {
      expect(await clientAddress(true, '2001:db8::7')).toBe('2001:db8::7');
    });
  });
});
