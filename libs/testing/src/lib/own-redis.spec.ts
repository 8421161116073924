import { existsSync } from 'node:fs';
import { connectRedis } from './redis';
import { describeWithRedisServer, OwnRedis, startOwnRedis } from './own-redis';
import { isAlive } from './proc';
import { removeTempDirs } from './temp';

/** The fixture's crash is a real one: what survives it is what the settings under test keep. */
describeWithRedisServer()('startOwnRedis', () => {
  const servers: OwnRedis[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
    removeTempDirs();
  });

  async function writeCrashRestartRead(settings: Record<string, string>): Promise<string | null> {
    const server = await startOwnRedis({ settings, label: 'own-redis-unit' });
    servers.push(server);
    const before = await connectRedis(server.url);
    await before.set('order', 'confirmed');
    before.disconnect();
    const pid = server.pid() as number;
    await server.crash();
    expect(isAlive(pid)).toBe(false);
    await server.restart();
    expect(server.pid()).not.toBe(pid);
    const after = await connectRedis(server.url);
    try {
      return await after.get('order');
    } finally {
      after.disconnect();
    }
  }

  it('keeps a write across kill -9 with AOF fsynced per write, on the same port and folder', async () => {
    expect(await writeCrashRestartRead({ appendonly: 'yes', appendfsync: 'always' })).toBe('confirmed');
  });

  it('loses it without AOF (and without snapshots)', async () => {
    expect(await writeCrashRestartRead({ appendonly: 'no' })).toBeNull();
  });

  it('removes its folder and process on dispose', async () => {
    const server = await startOwnRedis({ label: 'own-redis-unit' });
    const pid = server.pid() as number;
    await server.dispose();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });
});
