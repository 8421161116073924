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

  it('answers navigations from memory, revalidated by ETag or Last-Modified', async () => {
    const reads = [jest.spyOn(fs, 'readFile'), jest.spyOn(fs, 'createReadStream'), jest.spyOn(fs, 'stat')];
    const page = await request(app).get('/drops/1').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-length']).toBe(String(page.text.length));
    const { etag, 'last-modified': lastModified } = page.headers;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    const byTag = await request(app).get('/').set('If-None-Match', etag).expect(304);
    expect(byTag.headers['etag']).toBe(etag);
    expect(byTag.headers['cache-control']).toBe('no-cache');
    expect(byTag.text).toBe('');
    await request(app).get('/').set('If-Modified-Since', lastModified).expect(304);
    await request(app)
      .get('/')
      .set('If-None-Match', '"other"')
      .set('If-Modified-Since', lastModified)
      .expect(200);
    // A hard reload asks past the browser's copy.
    await request(app).get('/').set('If-None-Match', etag).set('Cache-Control', 'no-cache').expect(200);
    const head = await request(app).head('/drops/1').set('Accept', 'text/html').expect(200);
    expect(head.headers['content-length']).toBe(page.headers['content-length']);
    expect(reads.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(0);
  });
});
