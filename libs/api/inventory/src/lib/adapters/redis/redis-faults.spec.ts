import { DependencyUnavailable } from '@gtd/api-platform';
import Redis, { RedisOptions } from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { freePort, makeTempDir, removeTempDirs } from '@gtd/testing';
import { PostgresCatalogue } from '../postgres/postgres-catalogue';
import { PostgresDatabase } from '../postgres/postgres-database';
import { PostgresOrderLedger } from '../postgres/postgres-ledger';
import { PostgresSales } from '../postgres/postgres-sales';
import { RedisConnection } from './redis-connection';
import { redisFault } from './redis-faults';
import { RedisGate } from './redis-gate';
import { RedisInventoryStore } from './redis-inventory-store';
import { RedisPersister } from './redis-persister';

/**
 * The classification of ioredis errors, fed with errors ioredis really raises: a port nobody
 * listens on, and a redis-server of this spec's own that is kept busy, made slow and killed.
 */

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function expectFault(error: unknown, reached: boolean): void {
  expect(error).toBeInstanceOf(DependencyUnavailable);
  expect((error as DependencyUnavailable).dependency).toBe('redis');
  expect((error as DependencyUnavailable).reached).toBe(reached);
}

const TTL_MS = 86_400_000;
const COMMAND = {
  productId: 1,
  quantity: 1,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: '',
  nowMs: Date.now(),
};

describe('redisFault on a closed port', () => {
  it('a command ioredis would not write (no offline queue) was not reached', async () => {
    const redis = new Redis({ port: await freePort(), lazyConnect: true, enableOfflineQueue: false });
    try {
      expectFault(redisFault(await failure(() => redis.get('x'))), false);
    } finally {
      redis.disconnect();
    }
  });

  it('the store refuses a purchase before writing it (NOT_MADE); reads fail as faults too', async () => {
    const connection = new RedisConnection({ redisUrl: `redis://127.0.0.1:${await freePort()}/0` });
    connection.redis.on('error', () => undefined);
    const database = new PostgresDatabase({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/x`,
    });
    const ledger = new PostgresOrderLedger(database, TTL_MS);
    const gate = new RedisGate(connection, ledger, TTL_MS);
    const store = new RedisInventoryStore(
      connection,
      { catalogue: new PostgresCatalogue(database), sales: new PostgresSales(database), ledger },
      gate,
      new RedisPersister(connection, ledger, gate, {}),
      TTL_MS,
    );
    try {
      expectFault(await failure(() => store.purchase(COMMAND)), false);
      // Reads wait for the reconnects (maxRetriesPerRequest), then are a fault: a 503, not a 500.
      const read = await failure(() => store.inventory(1));
      expectFault(read, true);
      expect((read as Error).cause).toMatchObject({ name: 'MaxRetriesPerRequestError' });
      expect(await failure(() => store.findOrder('6a0f8d4e-3b1c-4c55-9a3e-0d7c5b2f1e11'))).toBeInstanceOf(
        DependencyUnavailable,
      );
    } finally {
      connection.redis.disconnect();
      connection.reader.disconnect();
      await database.close();
    }
  });
});

describe('redisFault on its own redis-server', () => {
  let server: ChildProcess | undefined;
  let port = 0;
  const clients: Redis[] = [];
  const client = (options: RedisOptions = {}) => {
    const redis = new Redis({ port, ...options });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    port = await freePort();
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        makeTempDir('gtd-redis-faults'),
        '--enable-debug-command',
        'yes',
        '--busy-reply-threshold',
        '100',
      ],
      { stdio: 'ignore' },
    );
    const probe = client({ retryStrategy: () => 50 });
    await probe.ping();
  });

  afterAll(() => {
    for (const redis of clients) redis.disconnect();
    server?.kill('SIGKILL');
    removeTempDirs();
  });

  it('BUSY (another script runs) was refused before running: not reached', async () => {
    const busy = client();
    const other = client();
    await other.ping();
    // Spins ~400 ms, past the 100 ms busy-reply threshold, then ends by itself.
    const spin = busy.eval(
      "local t = redis.call('TIME'); local s = t[1] * 1e6 + t[2]; " +
        "repeat local n = redis.call('TIME') until n[1] * 1e6 + n[2] - s > 400000 return 1",
      0,
    );
    await new Promise((done) => setTimeout(done, 200));
    const refused = await failure(() => other.get('x'));
    expect((refused as Error).message).toMatch(/^BUSY/);
    expectFault(redisFault(refused), false);
    await spin;
  });

  it('a sent command whose answer did not come in time is in doubt', async () => {
    const slow = client({ commandTimeout: 100 });
    await slow.ping();
    const timedOut = await failure(() => slow.call('DEBUG', 'SLEEP', '0.5'));
    expect((timedOut as Error).message).toBe('Command timed out');
    expectFault(redisFault(timedOut), true);
  });

  it("a script's own error is not a dependency fault", async () => {
    const error = await failure(() => client().eval("return redis.call('NOSUCHCOMMAND')", 0));
    expect(redisFault(error)).toBeUndefined();
    expect(redisFault(new TypeError('x is undefined'))).toBeUndefined();
  });

  it('a command in flight when Redis dies is in doubt (last: kills the server)', async () => {
    const victim = client({ maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    await victim.ping();
    const inFlight = failure(() => victim.call('DEBUG', 'SLEEP', '5'));
    await new Promise((done) => setTimeout(done, 200));
    server?.kill('SIGKILL');
    const lost = await inFlight;
    expectFault(redisFault(lost), true);
  });
});
