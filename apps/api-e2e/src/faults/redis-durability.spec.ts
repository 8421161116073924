import {
  catalogWithStocks,
  cleanup,
  createTestDatabase,
  describeWithRedisServer,
  dropFiles,
  health,
  OPERATOR_TOKEN,
  OwnRedis,
  runUntilExit,
  startOwnRedis,
  startServer,
  TestDatabase,
} from '@gtd/testing';

/**
 * STORE=redis reads Redis's persistence at start-up: on a Redis that can lose confirmed orders
 * (here: no AOF) it refuses to start unless REDIS_DURABILITY=accept-loss says the operator accepts
 * that, and then says so in its log and in the operator's health.
 */
describeWithRedisServer()('STORE=redis on a Redis without AOF', () => {
  let redisServer: OwnRedis | undefined;
  let database: TestDatabase | undefined;
  const env = () => ({
    STORE: 'redis',
    REDIS_URL: (redisServer as OwnRedis).url,
    DATABASE_URL: (database as TestDatabase).url,
    ADMIN_TOKEN: OPERATOR_TOKEN,
  });

  beforeAll(async () => {
    redisServer = await startOwnRedis({ label: 'redis-not-durable', settings: { appendonly: 'no' } });
    database = await createTestDatabase({ label: 'gtd_e2e_redis_durability' });
  });
  afterAll(async () => {
    await cleanup();
    await database?.drop().catch(() => undefined);
    await redisServer?.dispose();
  });

  it('refuses to start with REDIS_DURABILITY unset, naming the settings to change', async () => {
    const { catalogPath } = dropFiles(catalogWithStocks(10));
    const result = await runUntilExit({ ...env(), CATALOG: catalogPath, PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Cannot start: Redis is not durable: it runs with appendonly no, appendfsync everysec/,
    );
    expect(result.stderr).toMatch(/`appendonly yes` and `appendfsync always`/);
    expect(result.stderr).toMatch(/REDIS_DURABILITY=accept-loss/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // one readable message, no stack trace
  });

  it('refuses a REDIS_DURABILITY it does not know', async () => {
    const result = await runUntilExit({ ...env(), REDIS_DURABILITY: 'yolo', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/REDIS_DURABILITY="yolo"/);
  });

  it('starts with REDIS_DURABILITY=accept-loss, and says so in the log and /admin/health', async () => {
    const server = await startServer({
      ...dropFiles(catalogWithStocks(10)),
      env: { ...env(), REDIS_DURABILITY: 'accept-loss' },
    });
    expect(server.output()).toMatch(
      /Redis is NOT durable: it runs with appendonly no, appendfsync everysec\. REDIS_DURABILITY=accept-loss/,
    );
    const reply = await health(server.baseUrl);
    expect(reply.status).toBe(200);
    expect(reply.body.details['redis']).toEqual({
      status: 'up',
      durability: { mode: 'accept-loss', durable: false, appendonly: 'no', appendfsync: 'everysec' },
    });
    expect(await server.stop()).toBe(0);
  });
});
