import { ApiRoutes, ErrorCode } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, send, useServer } from '@gtd/testing';

// A flood of sign-ins runs scrypt at its production cost for several seconds.
jest.setTimeout(120_000);

const FLOOD_MS = 10_000;
const CONCURRENT_SIGN_INS = 64;

/**
 * 64 concurrent sign-ins with a wrong password, for 10 s, while one buyer polls: before the hash
 * gate they filled libuv's thread pool and polls (and /health) waited seconds behind them. Now at
 * most PASSWORD_HASH_CONCURRENCY hashes run, the rest wait briefly or get 503 with Retry-After, and
 * every poll is answered. (How fast is the bench's business: this spec asserts answers, not time.)
 */
describe.each(HTTP_ADAPTERS)('a sign-in flood on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(100), { HTTP_ADAPTER: httpAdapter });

  it('every poll and health check answers 200; every sign-in is 401 or 503 with Retry-After', async () => {
    const deadline = Date.now() + FLOOD_MS;
    const signIns: { status: number; retryAfter?: string | string[]; code?: string }[] = [];
    const flooder = async (i: number) => {
      while (Date.now() < deadline) {
        const reply = await send<{ code?: string }>(server.baseUrl, {
          method: 'POST',
          path: ApiRoutes.signIn,
          json: { email: `flood${i}@example.com`, password: 'a wrong but long password' },
        });
        signIns.push({
          status: reply.status,
          retryAfter: reply.headers['retry-after'],
          code: reply.body?.code,
        });
        // A refused client waits as told, as a well-behaved one would; a hostile one would not
        // wait at all, which only makes more of them refused at once.
        if (reply.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const polls: number[] = [];
    const poller = async () => {
      while (Date.now() < deadline) {
        for (const path of [ApiRoutes.inventory(1), '/health']) {
          polls.push((await send(server.baseUrl, { method: 'GET', path })).status);
        }
      }
    };
    await Promise.all([poller(), ...Array.from({ length: CONCURRENT_SIGN_INS }, (_, i) => flooder(i))]);

    expect(polls.length).toBeGreaterThan(0);
    expect(polls.filter((status) => status !== 200)).toEqual([]);
    expect(signIns.filter(({ status }) => status !== 401 && status !== 503)).toEqual([]);
    const refused = signIns.filter(({ status }) => status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.filter(({ retryAfter, code }) => retryAfter !== '1' || code !== ErrorCode.ServiceUnavailable),
    ).toEqual([]);
    expect(signIns.some(({ status }) => status === 401)).toBe(true);
  });
});
