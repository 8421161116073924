import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { serveStorefront } from './storefront';

describe('serveStorefront (Express)', () => {
  let root: string;
  let app: express.Express;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gtd-web-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Drop</title>');
    writeFileSync(join(root, 'main-ABCDEFGH.js'), 'console.log(1)');
    mkdirSync(join(root, 'media'));
    writeFileSync(join(root, 'media', 'logo.svg'), '<svg/>');
    app = express();
    serveStorefront(app as unknown as NestExpressApplication, root);
    // Stands for Nest's router: whatever the storefront lets through reaches the API.
    app.use((_req, res) => void res.status(404).json({ api: true }));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  const statCalls = () => {
    const spies = [jest.spyOn(fs, 'stat'), jest.spyOn(fs.promises, 'stat'), jest.spyOn(fs, 'statSync')];
    return () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
  };

  // `/products/%2e%2e` used to be the file server's 301 HTML redirect to a "directory", not the API's 400.
  it.each([
    '/products/1/inventory',
    '/products',
    '/health',
    '/orders/5b0d8a36',
    '/no-such-file.js',
    '/products/%2e%2e',
  ])('GET %s reaches the API without touching the file system', async (path) => {
    const calls = statCalls();
    const res = await request(app).get(path).set('Accept', 'application/json').expect(404);
    expect(res.body).toEqual({ api: true });
    expect(calls()).toBe(0);
  });

  it('serves the build files, with their cache headers, and the page for navigations', async () => {
    const js = await request(app).get('/main-ABCDEFGH.js').expect(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await request(app).get('/media/logo.svg').expect(200)).headers['cache-control']).toBe(
      'public, max-age=300',
    );
    const page = await request(app).get('/drops/1').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<title>Drop</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
  });
});
