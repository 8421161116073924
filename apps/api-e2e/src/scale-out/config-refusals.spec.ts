import { cleanup, runUntilExit } from '@gtd/testing';

/**
 * Settings that cannot work refuse to start with exit 1 and a message naming the variable —
 * before any worker is forked or any service is contacted, so no PostgreSQL or Redis is needed.
 */
describe('scale-out settings the API refuses', () => {
  afterAll(cleanup);

  it('WORKERS=2 with STORE=memory: each worker would sell the whole stock', async () => {
    const result = await runUntilExit({ STORE: 'memory', WORKERS: '2', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/WORKERS=2/);
    expect(result.stderr).toMatch(/STORE=memory/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // one readable message, no stack trace
    expect(result.stdout).not.toMatch(/Starting \d+ API workers/);
  });

  it('STORE=redis without REDIS_URL', async () => {
    const result = await runUntilExit({
      STORE: 'redis',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/REDIS_URL/);
    expect(result.stderr).not.toMatch(/DATABASE_URL/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('STORE=redis without DATABASE_URL (Redis alone is not durable)', async () => {
    const result = await runUntilExit({ STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379/15', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL/);
    expect(result.stderr).not.toMatch(/REDIS_URL/);
  });
});
