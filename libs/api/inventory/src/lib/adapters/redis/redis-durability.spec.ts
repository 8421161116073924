import Redis from 'ioredis';
import {
  cleanup,
  connectRedis,
  describeWithRedisServer,
  OwnRedis,
  RedisSettings,
  startOwnRedis,
} from '@gtd/testing';
import { assessDurability, checkRedisDurability, readRedisPersistence } from './redis-durability';

describe('assessDurability', () => {
  it('sells on appendonly yes + appendfsync always whatever the mode', () => {
    for (const mode of ['require', 'accept-loss'] as const) {
      expect(assessDurability({ appendonly: 'yes', appendfsync: 'always' }, mode)).toEqual({
        appendonly: 'yes',
        appendfsync: 'always',
        mode,
        durable: true,
      });
    }
  });

  it.each([
    [{ appendonly: 'no', appendfsync: 'always' }, /appendonly no, appendfsync always/],
    [{ appendonly: 'yes', appendfsync: 'everysec' }, /appendonly yes, appendfsync everysec/],
    [{ appendonly: 'yes', appendfsync: 'no' }, /appendonly yes, appendfsync no/],
    [
      { unknown: 'CONFIG GET failed: ERR unknown command' },
      /unknown \(CONFIG GET failed: ERR unknown command\)/,
    ],
  ])('refuses %j under require, naming both ways out', (persistence, said) => {
    const refusal = () => assessDurability(persistence, 'require');
    expect(refusal).toThrow(said);
    expect(refusal).toThrow(/`appendonly yes` and `appendfsync always`/);
    expect(refusal).toThrow(/REDIS_DURABILITY=accept-loss/);
  });

  it('sells on a Redis that is not durable when the operator accepted the loss, and says so', () => {
    expect(assessDurability({ appendonly: 'no', appendfsync: 'everysec' }, 'accept-loss')).toEqual({
      appendonly: 'no',
      appendfsync: 'everysec',
      mode: 'accept-loss',
      durable: false,
    });
  });
});

/** Real servers: what CONFIG GET answers, and a server that does not answer it at all. */
describeWithRedisServer()('readRedisPersistence on real servers', () => {
  const servers: OwnRedis[] = [];
  const clients: Redis[] = [];
  const client = async (settings: RedisSettings) => {
    const server = await startOwnRedis({ settings, label: 'durability-unit' });
    servers.push(server);
    const redis = await connectRedis(server.url);
    clients.push(redis);
    return redis;
  };
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await Promise.all(servers.map((s) => s.dispose()));
    await cleanup();
  });

  it('reads AOF with an fsync per write as durable', async () => {
    const redis = await client({ appendonly: 'yes', appendfsync: 'always' });
    expect(await readRedisPersistence(redis)).toEqual({ appendonly: 'yes', appendfsync: 'always' });
    await expect(checkRedisDurability(redis, 'require')).resolves.toMatchObject({ durable: true });
  });

  it('refuses AOF fsynced once a second', async () => {
    const redis = await client({ appendonly: 'yes', appendfsync: 'everysec' });
    await expect(checkRedisDurability(redis, 'require')).rejects.toThrow(/appendfsync everysec/);
  });

  it('treats a server with CONFIG renamed away (managed Redis) as unknown, hence not durable', async () => {
    const redis = await client({
      appendonly: 'yes',
      appendfsync: 'always',
      'rename-command': ['CONFIG', ''],
    });
    const persistence = await readRedisPersistence(redis);
    expect(persistence.unknown).toMatch(/CONFIG GET failed: ERR unknown command/);
    await expect(checkRedisDurability(redis, 'require')).rejects.toThrow(/settings are unknown/);
    await expect(checkRedisDurability(redis, 'accept-loss')).resolves.toMatchObject({ durable: false });
  });
});
