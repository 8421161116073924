import { ApiRoutes, ErrorCode } from '@gtd/shared-contracts';
import {
  answeringPids,
  catalogWithStocks,
  describeWithServices,
  HTTP_ADAPTERS,
  OPERATOR_TOKEN,
  send,
  tally,
  useServer,
  useServices,
  volley,
} from '@gtd/testing';
import { asBuyer, BuyBody, buyRequest, register } from '../support/drop';

// Registration runs scrypt at its production cost.
jest.setTimeout(120_000);

const LIMIT = 5;

const CATALOG = catalogWithStocks(10_000);

describe.each(HTTP_ADAPTERS)('BUY_RATE_LIMIT on %s', (httpAdapter) => {
  describe(`at ${LIMIT} a minute`, () => {
    const server = useServer(CATALOG, {
      HTTP_ADAPTER: httpAdapter,
      BUY_RATE_LIMIT: String(LIMIT),
      ADMIN_TOKEN: OPERATOR_TOKEN,
    });

    it('answers 429 RATE_LIMITED with Retry-After once one address is over the limit', async () => {
      const { replies } = await volley<BuyBody>(server.baseUrl, 20, () => buyRequest(1, 1));
      expect(tally(replies.map((r) => r.status))).toEqual({ '201': LIMIT, '429': 20 - LIMIT });
      for (const reply of replies.filter((r) => r.status === 429)) {
        expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(reply.body.code).toBe(ErrorCode.RateLimited);
        const retryAfter = Number(reply.headers['retry-after']);
        expect(Number.isInteger(retryAfter)).toBe(true);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(reply.body.retryAfterSeconds).toBe(retryAfter);
      }
      // Only POST /buy is limited: reads still answer.
      expect((await send(server.baseUrl, { path: ApiRoutes.inventory(1) })).status).toBe(200);
      // The operator sees the limiter's refusals beside the store's; a made-up product's are not kept.
      const madeUp = buyRequest(987_654, 1);
      expect((await send(server.baseUrl, madeUp)).status).toBe(429);
      const summary = await send<{ rejects: Record<string, number> }>(server.baseUrl, {
        path: ApiRoutes.admin.summary(1),
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      });
      expect(summary.body.rejects).toEqual({ [ErrorCode.RateLimited]: 20 - LIMIT });
      const unknown = await send(server.baseUrl, {
        path: ApiRoutes.admin.summary(987_654),
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      });
      expect(unknown.status).toBe(404);
    });

    it('gives a signed-in buyer a budget of their own', async () => {
      const session = (await register(server.baseUrl, `limited-${httpAdapter}@example.com`)).body;
      // This address is over its limit (the test before); the buyer is counted apart from it.
      expect((await send(server.baseUrl, buyRequest(1, 1))).status).toBe(429);
      const { replies } = await volley<BuyBody>(server.baseUrl, 8, () => asBuyer(buyRequest(1, 1), session));
      expect(tally(replies.map((r) => r.status))).toEqual({ '201': LIMIT, '429': 8 - LIMIT });
    });
  });

  describe('at 0', () => {
    const server = useServer(CATALOG, { HTTP_ADAPTER: httpAdapter, BUY_RATE_LIMIT: '0' });

    it('limits nothing', async () => {
      const { replies } = await volley<BuyBody>(server.baseUrl, 200, () => buyRequest(1, 1));
      expect(tally(replies.map((r) => r.status))).toEqual({ '201': 200 });
    });
  });
});

describeWithServices()('BUY_RATE_LIMIT with STORE=redis and WORKERS=2', () => {
  const services = useServices('ratelimit');
  const server = useServer(CATALOG, () => ({ ...services.env, BUY_RATE_LIMIT: String(LIMIT) }), {
    workers: 2,
  });

  it('holds the limit across workers: the count lives in Redis', async () => {
    // One connection per request, so the cluster spreads them over both workers; counted per
    // worker, twice the limit would get through.
    const replies = [];
    for (let i = 0; i < 3 * LIMIT; i++) {
      replies.push(
        await send<BuyBody>(server.baseUrl, { ...buyRequest(1, 1), headers: { connection: 'close' } }),
      );
    }
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': LIMIT, '429': 2 * LIMIT });
    const keys = await services.redis.keys(`${services.redisPrefix}throttle:*`);
    expect(keys.length).toBeGreaterThan(0);
    // And connections like these do reach both workers.
    expect((await answeringPids(server.baseUrl, 8)).size).toBe(2);
  });
});
