import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { send } from './http';
import { describeWithNginx, edgeConfig, nginxBinary, QUEUE_STATUS_LOCATION, startEdge } from './nginx-edge';
import { commandLine, descendantPids, isAlive } from './proc';
import { makeTempDir, removeTempDirs } from './temp';

/** The edge caches what the origin's Cache-Control allows, and nothing else. */
describeWithNginx()('startEdge (nginx)', () => {
  let origin: Server;
  let originUrl = '';
  const hits = new Map<string, number>();
  beforeAll(async () => {
    origin = createServer((request, response) => {
      const path = request.url ?? '';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      response.setHeader('content-type', 'application/json');
      response.setHeader(
        'cache-control',
        path.endsWith('/private/queue') ? 'private, no-store' : 'public, max-age=0, s-maxage=30',
      );
      response.end(JSON.stringify({ path }));
    });
    await new Promise<void>((listening) => origin.listen(0, '127.0.0.1', listening));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((closed) => origin.close(closed));
    removeTempDirs();
  });

  it('writes a configuration nginx accepts, every path of it inside its own folder', () => {
    const dir = makeTempDir('gtd-edge-config');
    const config = edgeConfig({
      dir,
      port: 1,
      originHost: '127.0.0.1',
      originPort: 2,
      cachedLocation: QUEUE_STATUS_LOCATION,
      workerProcesses: 1,
    });
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, config);
    const test = spawnSync(nginxBinary(), ['-t', '-q', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
      encoding: 'utf8',
    });
    expect({ status: test.status, stderr: test.stderr }).toEqual({ status: 0, stderr: '' });
    const paths = config.match(/\s\/[^\s;]+/g)?.map((p) => p.trim()) ?? [];
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => !p.startsWith(dir))).toEqual([]);
  });

  it('answers a cacheable status from one origin request and forwards the rest', async () => {
    const edge = await startEdge({ originUrl, label: 'edge-unit' });
    try {
      const statuses = [];
      for (let i = 0; i < 10; i++)
        statuses.push((await send(edge.baseUrl, { path: '/products/1/queue' })).status);
      expect(hits.get('/products/1/queue')).toBe(1);
      // Outside the cached location: every request is forwarded.
      for (let i = 0; i < 5; i++) await send(edge.baseUrl, { path: '/products/1/inventory' });
      expect(hits.get('/products/1/inventory')).toBe(5);
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await edge.stop();
    }
  });

  it('honours a private Cache-Control even on the cached location', async () => {
    const edge = await startEdge({ originUrl, cachedLocation: '^/products/[0-9]+/private/queue$' });
    try {
      for (let i = 0; i < 5; i++) await send(edge.baseUrl, { path: '/products/2/private/queue' });
      expect(hits.get('/products/2/private/queue')).toBe(5);
    } finally {
      await edge.stop();
    }
  });

  it('stops with its workers and removes its folder', async () => {
    const edge = await startEdge({ originUrl, workerProcesses: 2 });
    // Its children: the workers asked for, and the cache manager (and loader) of proxy_cache_path.
    const children = descendantPids(edge.pid);
    const workers = children.filter((pid) => commandLine(pid).join(' ').includes('worker process'));
    await edge.stop();
    expect(workers).toHaveLength(2);
    expect([edge.pid, ...children].filter(isAlive)).toEqual([]);
    expect(existsSync(edge.dir)).toBe(false);
  });
});
