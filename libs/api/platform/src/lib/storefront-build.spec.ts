import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { loadStorefrontBuild } from './storefront-build';

describe('loadStorefrontBuild', () => {
  let root: string;
  let warnings: string[];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gtd-web-build-'));
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  it('is nothing without index.html: the API is served alone', () => {
    expect(loadStorefrontBuild(root)).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('No storefront build')]);
  });

  it('serves no variant that is not its file compressed (left from another build, or cut short)', () => {
    const script = 'console.log("release 2");'.repeat(100);
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'main-ABCDEFGH.js'), script);
    writeFileSync(join(root, 'main-ABCDEFGH.js.br'), brotliCompressSync('console.log("release 1");'));
    writeFileSync(join(root, 'main-ABCDEFGH.js.gz'), gzipSync(script).subarray(0, 20));
    const file = loadStorefrontBuild(root)?.files.get('/main-ABCDEFGH.js');
    expect([...(file?.codings ?? [])]).toEqual(['identity']);
    expect(warnings).toEqual([
      expect.stringContaining('main-ABCDEFGH.js.br is not /main-ABCDEFGH.js compressed'),
      expect.stringContaining('main-ABCDEFGH.js.gz is not /main-ABCDEFGH.js compressed'),
      expect.stringContaining('/main-ABCDEFGH.js in'),
    ]);
  });

  it('keeps a variant as a form of its file, and a .gz with no file beside it as a file', () => {
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'index.html.gz'), gzipSync('<!doctype html>'));
    writeFileSync(join(root, 'archive.tar.gz'), gzipSync('a download'));
    const build = loadStorefrontBuild(root);
    expect([...(build?.files.keys() ?? [])].sort()).toEqual(['/archive.tar.gz', '/index.html']);
    expect([...(build?.page.codings ?? [])]).toEqual(['identity', 'gzip']);
    expect(build?.files.get('/archive.tar.gz')?.contentType).toBe('application/octet-stream');
  });
});
