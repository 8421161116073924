import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@gtd/shared-contracts';
import { createFeatureTestApp } from '@gtd/api-testing';
import { clearRedisPrefix, describeWithService, TEST_REDIS_URL } from '@gtd/testing';
import request from 'supertest';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { PurchaseModule } from './purchase.module';
import { RedisThrottlerStorage } from '@gtd/api-platform';

const redis = new URL(TEST_REDIS_URL);

describeWithService({ name: 'Redis', host: redis.hostname, port: Number(redis.port || 6379) })(
  'RedisThrottlerStorage',
  () => {
    const prefix = `gtd-test:throttle:${randomUUID()}:`;
    const storages: RedisThrottlerStorage[] = [];
    const storage = async () => {
      const created = new RedisThrottlerStorage(TEST_REDIS_URL, prefix);
      storages.push(created);
      await created.connect();
      return created;
    };

    afterAll(async () => {
      await Promise.all(storages.map((s) => s.onApplicationShutdown()));
      await clearRedisPrefix(prefix);
    });

    it('counts hits in a fixed window and blocks above the limit until the window ends', async () => {
      const limiter = await storage();
      const records = [];
      for (let i = 0; i < 4; i++) records.push(await limiter.increment('k1', 60_000, 3));
      expect(records.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
      expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
      expect(records[3].timeToBlockExpire).toBeGreaterThanOrEqual(59);
      expect(records[3].timeToBlockExpire).toBeLessThanOrEqual(60);
      expect(records[0].timeToBlockExpire).toBe(0);
    });

    it('shares the count between instances, so the limit holds across them', async () => {
      const [a, b] = [await storage(), await storage()];
      await a.increment('k2', 60_000, 2);
      await b.increment('k2', 60_000, 2);
      expect((await a.increment('k2', 60_000, 2)).isBlocked).toBe(true);
      expect((await b.increment('k3', 60_000, 2)).isBlocked).toBe(false);
    });

    it('starts a new window once the old one expired', async () => {
      const limiter = await storage();
      await limiter.increment('k4', 50, 1);
      expect((await limiter.increment('k4', 50, 1)).isBlocked).toBe(true);
      // The window is 50 ms of Redis time; poll until Redis has dropped the counter.
      let record = await limiter.increment('k4', 50, 1);
      for (let i = 0; i < 100 && record.isBlocked; i++) {
        await new Promise((done) => setTimeout(done, 20));
        record = await limiter.increment('k4', 50, 1);
      }
      expect(record).toMatchObject({ totalHits: 1, isBlocked: false });
    });

    it('lets requests through while Redis is not connected (an outage)', async () => {
      const limiter = await storage();
      expect((await limiter.increment('k5', 60_000, 1)).isBlocked).toBe(false);
      expect((await limiter.increment('k5', 60_000, 1)).isBlocked).toBe(true);
      // The connection is gone: the count cannot be read, and rate limiting is not worth a failed purchase.
      await limiter.onApplicationShutdown();
      expect((await limiter.increment('k5', 60_000, 1)).isBlocked).toBe(false);
    });

    it('holds POST /buy to BUY_RATE_LIMIT across two API instances', async () => {
      const catalog = [
        { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 100 },
      ];
      const instance = () =>
        createFeatureTestApp(
          [
            ...waitingRoomModules(),
            PurchaseModule.forRoot({
              buyRateLimitPerMinute: 3,
              rateLimitRedis: { url: TEST_REDIS_URL, keyPrefix: prefix },
            }),
          ],
          catalog,
        );
      const apps: INestApplication[] = [await instance(), await instance()];
      try {
        const buy = (app: INestApplication) =>
          request(app.getHttpServer()).post('/buy').send({ productId: 1, quantity: 1 });
        await buy(apps[0]).expect(201);
        await buy(apps[1]).expect(201);
        await buy(apps[0]).expect(201);
        const limited = await buy(apps[1]).expect(429);
        expect(limited.body.code).toBe(ErrorCode.RateLimited);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      } finally {
        await Promise.all(apps.map((app) => app.close()));
      }
    });
  },
);
