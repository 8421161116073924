import { leaseRedisDatabase } from './redis';
import { describeWithService, TEST_REDIS } from './services';

describeWithService(TEST_REDIS)('leaseRedisDatabase on the test Redis', () => {
  it('never hands one database index to two holders, and takes it back on release', async () => {
    const first = await leaseRedisDatabase();
    const second = await leaseRedisDatabase();
    try {
      expect(second.db).not.toBe(first.db);
      expect(second.url).toMatch(new RegExp(`/${second.db}$`));
      await second.release();
      // Only these two to choose from: the first is still held, the second is free again.
      const again = await leaseRedisDatabase(undefined, { candidates: [first.db, second.db] });
      expect(again.db).toBe(second.db);
      await again.release();
    } finally {
      await first.release();
    }
  });
});
