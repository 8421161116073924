import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PATH_ROOTS } from '@gtd/shared-contracts';
import accepts from 'accepts';
import fresh from 'fresh';
import { static as serveFiles } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Angular's production build names files by content hash, so they never change under one name. */
const HASHED_ASSET = /-[A-Z0-9]{8,}\.(js|css|woff2?)$/;
const apiRoots = new Set(API_PATH_ROOTS);

/** Hashed assets forever; the page itself revalidated, so a new release is picked up at once. */
const cacheControl = (path: string) =>
  path.endsWith('index.html')
    ? 'no-cache'
    : HASHED_ASSET.test(path)
      ? 'public, max-age=31536000, immutable'
      : 'public, max-age=300';

/**
 * A browser navigation to a page of the storefront: GET/HEAD outside the API's path roots, from a
 * client that prefers HTML to JSON (`/` is the page for every client). API clients asking for JSON
 * at an unknown path keep getting the API's 404 problem answer, never the page.
 */
function wantsPage(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (apiRoots.has(path.split('/')[1] ?? '')) return false;
  return path === '/' || accepts(req).type(['json', 'html']) === 'html';
}

function storefrontIndex(root: string): string | undefined {
  const indexFile = join(root, 'index.html');
  if (existsSync(indexFile)) return indexFile;
  new Logger('Storefront').warn(`No storefront build at ${root}; serving the API only (npx nx build web)`);
  return undefined;
}

/** Every file of the build as a URL path (`/main-…js`, `/media/…`): a build never changes while it is served. */
function buildFiles(root: string): ReadonlySet<string> {
  return new Set(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${relative(root, join(entry.parentPath, entry.name)).split(sep).join('/')}`),
  );
}

/**
 * index.html, read once at start like the list of files: the page answers every navigation, and
 * reading it per request would put a stat and a read in libuv's thread pool each time.
 */
export interface StorefrontPage {
  readonly body: Buffer;
  /** The validators `send` (behind res.sendFile and @fastify/static) derives from the file. */
  readonly etag: string;
  readonly lastModified: string;
}

export function loadStorefrontPage(indexFile: string): StorefrontPage {
  const body = readFileSync(indexFile);
  const { size, mtime } = statSync(indexFile);
  return {
    body,
    etag: `W/"${size.toString(16)}-${mtime.getTime().toString(16)}"`,
    lastModified: mtime.toUTCString(),
  };
}

/**
 * Whether the browser's copy is current, decided by `fresh` — the package Express and `send`
 * decide it with (a hard reload's `no-cache` never is; `If-None-Match`, compared weakly, before
 * `If-Modified-Since`).
 */
export function pageIsFresh(headers: IncomingHttpHeaders, page: StorefrontPage): boolean {
  return fresh(headers, { etag: page.etag, 'last-modified': page.lastModified });
}

/**
 * The page's headers: revalidated on every navigation, so a new release is picked up at once. As
 * `send` wrote them, ETag included on both platforms (Express's app-wide `etag` switch, off for
 * JSON bodies, used to drop it there); no `Accept-Ranges`, since a page of a few KB is never
 * fetched in ranges and is not served so any more.
 */
export function pageHeaders(page: StorefrontPage, fresh: boolean): [string, string][] {
  const validators: [string, string][] = [
    ['Cache-Control', cacheControl('index.html')],
    ['Last-Modified', page.lastModified],
    ['ETag', page.etag],
  ];
  return fresh
    ? validators
    : [
        ...validators,
        ['Content-Type', 'text/html; charset=utf-8'],
        ['Content-Length', String(page.body.length)],
      ];
}

/**
 * Serves the storefront's production build from the API's origin: its files as they are, and
 * index.html for page navigations so deep links like /drops/1 survive a reload. Registered on
 * Express before Nest's router, so a static file costs no Nest pipeline, and as one middleware, so
 * an API request passes one layer of Express's router for it. Only paths of files the build holds
 * (listed once at start) reach the file server, and the page is answered from memory: a poll or a
 * purchase never waits for an `fs.stat` in libuv's thread pool, which password hashing may be filling.
 */
export function serveStorefront(app: NestExpressApplication, root: string): boolean {
  const indexFile = storefrontIndex(root);
  if (!indexFile) return false;
  const files = buildFiles(root);
  const page = loadStorefrontPage(indexFile);
  const serveFile = serveFiles(root, {
    index: false,
    setHeaders: (res, path) => res.setHeader('Cache-Control', cacheControl(path)),
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const path = req.path;
    if (files.has(decodedPath(path))) {
      serveFile(req, res, next);
      return;
    }
    if (!wantsPage(req, path)) {
      next();
      return;
    }
    const fresh = pageIsFresh(req.headers, page);
    for (const [name, value] of pageHeaders(page, fresh)) res.setHeader(name, value);
    res.statusCode = fresh ? 304 : 200;
    if (fresh || req.method === 'HEAD') res.end();
    else res.end(page.body);
  });
  return true;
}

/** A malformed escape is no file of ours: the API answers it. Most paths have no escape at all. */
function decodedPath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}

/** The same for Fastify: files through @fastify/static, the page for navigations that found no route. */
export async function serveStorefrontOnFastify(app: NestFastifyApplication, root: string): Promise<boolean> {
  const indexFile = storefrontIndex(root);
  if (!indexFile) return false;
  const page = loadStorefrontPage(indexFile);
  // Loaded only on Fastify: its dependencies are ES modules, which Node 20 loads but Jest's CommonJS
  // runtime cannot, and no Express process needs them.
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, {
    root,
    index: false,
    wildcard: false,
    setHeaders: (reply, path) => reply.header('Cache-Control', cacheControl(path)),
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (!request.is404 || !wantsPage(request.raw, request.url.split('?')[0])) {
        done();
        return;
      }
      const fresh = pageIsFresh(request.headers, page);
      for (const [name, value] of pageHeaders(page, fresh)) void reply.header(name, value);
      // Fastify leaves the body out of a HEAD answer and a 304 itself.
      void reply.code(fresh ? 304 : 200).send(fresh ? undefined : page.body);
    });
  return true;
}
