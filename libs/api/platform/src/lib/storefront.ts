import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isStorefrontPage } from '@gtd/shared-contracts';
import accepts from 'accepts';
import fresh from 'fresh';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { API_ROOTS, firstPathSegment } from './api-paths';
import { chooseCoding } from './content-coding';
import { BuildFile, loadStorefrontBuild, StorefrontBuild } from './storefront-build';

/** What the storefront answers: the status, its headers, and the bytes (none for HEAD and 304). */
export interface StorefrontAnswer {
  readonly status: number;
  readonly headers: readonly [string, string][];
  readonly body: Buffer | undefined;
}

/**
 * A browser navigation to a page of the storefront: GET/HEAD outside the API's path roots, from a
 * client that prefers HTML to JSON (`/` is the page for every client). API clients asking for JSON
 * at an unknown path keep getting the API's 404 problem answer, never the page.
 */
function wantsPage(req: IncomingMessage, path: string): boolean {
  if (API_ROOTS.has(firstPathSegment(path))) return false;
  return path === '/' || accepts(req).type(['json', 'html']) === 'html';
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

/**
 * One file in the coding the request prefers (see chooseCoding). `found: false` is the page sent
 * for a navigation to no page of the storefront: a 404 that still renders the app's not-found
 * screen. A 404 carries no validators and honours no condition (RFC 9110 §13.2.1: preconditions
 * apply only where the answer would be 2xx), so no cache takes it for the page.
 *
 * `Range` is ignored, as RFC 9110 §14.2 allows, and `Accept-Ranges: none` says so: every file is
 * a few hundred KB at most, browsers never fetch scripts, styles or pages in ranges, and a range
 * of one coding's bytes is useless against another coding's copy.
 */
function answerFile(req: IncomingMessage, file: BuildFile, found: boolean): StorefrontAnswer {
  const coding = chooseCoding(req.headers['accept-encoding'], file.codings);
  const representation = file.representations.get(coding) ?? file.identity;
  const headers: [string, string][] = [
    ['Cache-Control', file.cacheControl],
    ['Accept-Ranges', 'none'],
  ];
  // A cache must keep one copy per coding only where there is more than one.
  if (file.codings.size > 1) headers.push(['Vary', 'Accept-Encoding']);
  if (found) {
    headers.push(['ETag', representation.etag], ['Last-Modified', file.lastModified]);
    // `fresh` is what Express and `send` decide it with: If-None-Match compared weakly, before
    // If-Modified-Since; a hard reload's `Cache-Control: no-cache` is never fresh.
    if (fresh(req.headers, { etag: representation.etag, 'last-modified': file.lastModified })) {
      return { status: 304, headers, body: undefined };
    }
  }
  headers.push(['Content-Type', file.contentType], ['Content-Length', String(representation.body.length)]);
  if (representation.coding !== 'identity') headers.push(['Content-Encoding', representation.coding]);
  return {
    status: found ? 200 : 404,
    headers,
    body: req.method === 'HEAD' ? undefined : representation.body,
  };
}

/**
 * The storefront's answer to a request, or undefined when it is the API's. `path` is the URL's
 * path as sent (no query). Only a Map lookup and a comparison for an API route: the build is in
 * memory, so no request waits for the file system.
 */
export function answerStorefront(
  build: StorefrontBuild,
  req: IncomingMessage,
  path: string,
): StorefrontAnswer | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const file = build.files.get(decodedPath(path));
  if (file) return answerFile(req, file, true);
  if (!wantsPage(req, path)) return undefined;
  return answerFile(req, build.page, isStorefrontPage(path));
}

/**
 * Serves the storefront's production build from the API's origin: its files, and index.html for
 * page navigations so deep links like /drops/1 survive a reload. Registered on Express before
 * Nest's router, so a storefront answer costs no Nest pipeline, and as one middleware, so an API
 * request passes one layer of Express's router for it.
 */
export function serveStorefront(app: NestExpressApplication, root: string): boolean {
  const build = loadStorefrontBuild(root);
  if (!build) return false;
  app.use((req: Request, res: Response, next: NextFunction) => {
    const answer = answerStorefront(build, req, req.path);
    if (!answer) {
      next();
      return;
    }
    res.statusCode = answer.status;
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.end(answer.body);
  });
  return true;
}

/**
 * The same on Fastify, for requests that found no route (`is404`): an API route pays one property
 * read. Answering from `onRequest` skips the 404 handler.
 */
export function serveStorefrontOnFastify(app: NestFastifyApplication, root: string): boolean {
  const build = loadStorefrontBuild(root);
  if (!build) return false;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const url = request.url;
      const query = url.indexOf('?');
      const answer = request.is404
        ? answerStorefront(build, request.raw, query === -1 ? url : url.slice(0, query))
        : undefined;
      if (!answer) {
        done();
        return;
      }
      void reply.code(answer.status);
      for (const [name, value] of answer.headers) void reply.header(name, value);
      void reply.send(answer.body);
    });
  return true;
}
