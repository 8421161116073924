import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { HTTP_ADAPTERS } from './config';
import { createHttpApp } from './http-app';
import { HttpPlatformModule } from './http-platform.module';

/** The build step the web build runs (apps/web's `build` target), run here on a stand-in build. */
const PRECOMPRESS = resolve(__dirname, '../../../../../tools/build/precompress.mjs');

const PAGE = `<!doctype html><html><head><title>Drop</title></head><body>${'<p>Limited drops</p>'.repeat(100)}</body></html>`;
const SCRIPT = `console.log(${JSON.stringify('a bundle '.repeat(500))});`;

@Controller('products')
class ProductsController {
  @Get(':id/inventory')
  inventory(): { available: number } {
    return { available: 7 };
  }
}

@Module({ controllers: [ProductsController] })
class ProductsModule {}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** As sent, still encoded. */
  body: Buffer;
}

/** node:http rather than supertest, which would decode the body before the spec sees its bytes. */
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(reply: Reply): string {
  const coding = reply.headers['content-encoding'];
  const body =
    coding === 'br'
      ? brotliDecompressSync(reply.body)
      : coding === 'gzip'
        ? gunzipSync(reply.body)
        : reply.body;
  return body.toString('utf8');
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const browser = { ...html, 'accept-encoding': 'gzip, deflate, br, zstd' };

describe.each(HTTP_ADAPTERS)('the storefront on %s', (adapter) => {
  let root: string;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gtd-web-'));
    writeFileSync(join(root, 'index.html'), PAGE);
    writeFileSync(join(root, 'main-ABCDEFGH.js'), SCRIPT);
    mkdirSync(join(root, 'media'));
    writeFileSync(
      join(root, 'media', 'logo.svg'),
      `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(50)}</svg>`,
    );
    writeFileSync(join(root, 'media', 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    execFileSync(process.execPath, [PRECOMPRESS, root]);
    app = await createHttpApp(
      { module: class TestApp {}, imports: [HttpPlatformModule, ProductsModule] },
      adapter,
      root,
    );
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  describe('answers in the coding the request prefers', () => {
    it.each([
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip, deflate', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['br;q=0.5, gzip;q=0.9', 'gzip'],
      ['identity', undefined],
      ['br;q=0, gzip;q=0', undefined],
      ['*;q=0', undefined],
      ['', undefined],
    ])('Accept-Encoding %p → %p', async (acceptEncoding, coding) => {
      const reply = await get(base, '/main-ABCDEFGH.js', { 'accept-encoding': acceptEncoding });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-encoding']).toBe(coding);
      expect(reply.headers['vary']).toBe('Accept-Encoding');
      expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(reply.headers['content-length']).toBe(String(reply.body.length));
      expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(decoded(reply)).toBe(SCRIPT);
    });

    it('without Accept-Encoding, as it is', async () => {
      const reply = await get(base, '/main-ABCDEFGH.js');
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.body.toString()).toBe(SCRIPT);
    });

    it('compressed well: brotli smaller than gzip, both far smaller than the file', async () => {
      const [br, gzip] = await Promise.all(
        ['br', 'gzip'].map((coding) => get(base, '/main-ABCDEFGH.js', { 'accept-encoding': coding })),
      );
      expect(br.body.length).toBeLessThan(gzip.body.length);
      expect(gzip.body.length).toBeLessThan(SCRIPT.length / 10);
    });
  });

  it('gives each coding its own strong ETag, and a 304 only for the copy the client holds', async () => {
    const tags = new Map<string, string>();
    for (const coding of ['br', 'gzip', 'identity']) {
      const reply = await get(base, '/main-ABCDEFGH.js', { 'accept-encoding': coding });
      const etag = reply.headers['etag'] ?? '';
      expect(etag).toMatch(/^"[\w-]{27}"$/);
      tags.set(coding, etag);
      const again = await get(base, '/main-ABCDEFGH.js', {
        'accept-encoding': coding,
        'if-none-match': etag,
      });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers['etag']).toBe(etag);
      expect(again.headers['vary']).toBe('Accept-Encoding');
      expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect(new Set(tags.values()).size).toBe(3);
    // Holding the gzip copy, asking for br: the br copy, not "yours is current".
    const other = await get(base, '/main-ABCDEFGH.js', {
      'accept-encoding': 'br',
      'if-none-match': tags.get('gzip') ?? '',
    });
    expect(other.status).toBe(200);
    expect(other.headers['content-encoding']).toBe('br');
    expect(other.headers['etag']).toBe(tags.get('br'));
  });

  it('answers HEAD with the headers of GET and no body, and ignores Range', async () => {
    const full = await get(base, '/main-ABCDEFGH.js', { 'accept-encoding': 'br' });
    const head = await get(base, '/main-ABCDEFGH.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of [
      'content-length',
      'content-encoding',
      'content-type',
      'etag',
      'vary',
      'cache-control',
    ]) {
      expect([name, head.headers[name]]).toEqual([name, full.headers[name]]);
    }
    const ranged = await get(base, '/main-ABCDEFGH.js', {
      'accept-encoding': 'identity',
      range: 'bytes=0-9',
    });
    expect(ranged.status).toBe(200);
    expect(ranged.headers['accept-ranges']).toBe('none');
    expect(ranged.body.toString()).toBe(SCRIPT);
  });

  it('keeps each file’s type and caching; a file without variants has no Vary', async () => {
    const svg = await get(base, '/media/logo.svg', { 'accept-encoding': 'br' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['content-encoding']).toBe('br');
    expect(svg.headers['cache-control']).toBe('public, max-age=300');
    const png = await get(base, '/media/photo.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers['vary']).toBeUndefined();
    // A variant is a form of its file, not a URL of its own.
    expect((await get(base, '/main-ABCDEFGH.js.br', html)).status).toBe(404);
  });

  describe('pages', () => {
    it.each(['/', '/drops/1', '/drops/1?from=mail', '/sign-in', '/register', '/index.html'])(
      '%s: 200, compressed, revalidated on every navigation',
      async (path) => {
        const page = await get(base, path, browser);
        expect(page.status).toBe(200);
        expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(page.headers['content-encoding']).toBe('br');
        expect(page.headers['vary']).toBe('Accept-Encoding');
        expect(page.headers['cache-control']).toBe('no-cache');
        expect(decoded(page)).toBe(PAGE);
        const etag = page.headers['etag'] ?? '';
        expect((await get(base, path, { ...browser, 'if-none-match': etag })).status).toBe(304);
        const since = { ...browser, 'if-modified-since': page.headers['last-modified'] ?? '' };
        expect((await get(base, path, since)).status).toBe(304);
        // A hard reload asks past the browser's copy.
        const reload = await get(base, path, {
          ...browser,
          'if-none-match': etag,
          'cache-control': 'no-cache',
        });
        expect(reload.status).toBe(200);
      },
    );

    it.each(['/no/such/page', '/drops', '/drops/1/extra', '/drops/1/', '/sign-in/again'])(
      '%s: 404 with the page, so the app shows its not-found screen',
      async (path) => {
        const reply = await get(base, path, browser);
        expect(reply.status).toBe(404);
        expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(reply.headers['content-encoding']).toBe('br');
        expect(reply.headers['cache-control']).toBe('no-cache');
        expect(reply.headers['content-length']).toBe(String(reply.body.length));
        expect(decoded(reply)).toBe(PAGE);
        // No validator: nothing for a cache to revalidate the page's own copy against.
        expect(reply.headers['etag']).toBeUndefined();
        const page = await get(base, '/', browser);
        const conditional = await get(base, path, {
          ...browser,
          'if-none-match': page.headers['etag'] ?? '',
        });
        expect(conditional.status).toBe(404);
        expect(decoded(conditional)).toBe(PAGE);
        const head = await get(base, path, browser, 'HEAD');
        expect([head.status, head.body.length, head.headers['content-length']]).toEqual([
          404,
          0,
          reply.headers['content-length'],
        ]);
      },
    );

    it.each(['/products', '/products/1', '/health', '/docs-json'])(
      '%s: the API answers even a browser',
      async (path) => {
        const reply = await get(base, path, browser);
        expect(reply.headers['content-type']).not.toContain('text/html');
      },
    );

    it('not for API clients: an unknown path asked as JSON is the API’s problem answer', async () => {
      const reply = await get(base, '/no/such/page', { accept: 'application/json', 'accept-encoding': 'br' });
      expect(reply.status).toBe(404);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.headers['content-encoding']).toBeUndefined();
    });
  });

  it('answers from memory: no file system call for a file, a page or an API route', async () => {
    const spies = [
      jest.spyOn(fs, 'stat'),
      jest.spyOn(fs, 'statSync'),
      jest.spyOn(fs.promises, 'stat'),
      jest.spyOn(fs, 'readFile'),
      jest.spyOn(fs, 'readFileSync'),
      jest.spyOn(fs, 'createReadStream'),
      jest.spyOn(fs, 'open'),
    ];
    const api = await get(base, '/products/1/inventory', {
      accept: 'application/json',
      'accept-encoding': 'br',
    });
    expect(api.status).toBe(200);
    // The API's own answers are not the storefront's to compress.
    expect(api.headers['content-encoding']).toBeUndefined();
    expect((await get(base, '/main-ABCDEFGH.js', browser)).status).toBe(200);
    expect((await get(base, '/drops/1', browser)).status).toBe(200);
    expect((await get(base, '/nope', browser)).status).toBe(404);
    // `/products/%2e%2e` used to be the file server's 301 HTML redirect to a "directory".
    expect((await get(base, '/products/%2e%2e', { accept: 'application/json' })).status).not.toBe(301);
    expect(spies.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(0);
  });
});
