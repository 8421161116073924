import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiRoutes } from '@gtd/shared-contracts';
import { API_ROOTS, firstPathSegment } from './api-paths';

/**
 * The Content-Security-Policy of everything the API serves: the storefront, Swagger UI, the API's
 * own answers. The buyer's token sits in sessionStorage, so this is what keeps an injected script
 * from reading it: scripts only from this origin, no inline scripts or `on…=` handlers (the
 * storefront's production build emits none: apps/web/project.json turns off critical-CSS inlining,
 * whose `<link onload>` would need `'unsafe-inline'`), no plugins, never framed.
 *
 * Styles may be inline: Angular adds each component's styles as a `<style>` element at run time
 * and Swagger UI sets `style=` attributes; a nonce would need the HTML rewritten per response, and
 * a style cannot read storage or send it anywhere `connect-src`/`img-src` would not allow.
 * `data:` images are Swagger UI's icons. No `upgrade-insecure-requests`: the app speaks plain HTTP
 * behind its TLS edge, and upgrading would break a direct `http://` origin.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** What both sets below agree on: never framed, no referrer, no HSTS (the TLS edge's header). */
const EVERY_ANSWER = {
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
} as const;

/**
 * The set for documents — the storefront's pages and files, Swagger UI: helmet's defaults
 * (nosniff, Referrer-Policy no-referrer, COOP/CORP same-origin, …) with the policy above,
 * X-Frame-Options DENY for browsers that predate `frame-ancestors`, and no HSTS — the app is
 * reached over plain HTTP behind the TLS edge, which is where Strict-Transport-Security belongs
 * (README, "Security headers").
 */
const documentSecurityHeaders: NodeMiddleware = helmet({
  ...EVERY_ANSWER,
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
});

/** The whole policy of an API answer: it loads nothing, runs nothing and is never framed. */
const API_CONTENT_SECURITY_POLICY = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

/**
 * The set for the API's answers (JSON, problems, event streams, CSV, metrics), as the OWASP REST
 * Security Cheat Sheet has it: a CSP that allows nothing at all (stricter than the documents': a
 * JSON answer a browser is tricked into rendering runs no script and loads nothing), nosniff,
 * CORP same-origin (no cross-origin page can read the answer into its process), never framed, no
 * referrer. helmet's other headers only mean something to a document a browser renders or a
 * plug-in reads (COOP, Origin-Agent-Cluster, DNS prefetch, IE's download and XSS-filter switches,
 * Adobe's cross-domain policy): on the crowd's answers they would be ≈ 460 bytes of every poll and
 * purchase, and Node validates each header of each answer (measured: ≈ 7 % of a Fastify poll's CPU).
 */
const apiSecurityHeaders: NodeMiddleware = helmet({
  ...EVERY_ANSWER,
  contentSecurityPolicy: { useDefaults: false, directives: API_CONTENT_SECURITY_POLICY },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

/**
 * What each middleware writes, recorded once at start: with this configuration no header depends
 * on the request, so each response gets the same fixed set without running helmet's dozen
 * middlewares again. On Fastify it also keeps Node's fast `writeHead` path: headers set on the raw
 * response before Fastify writes its own make Node merge the two sets for every response (measured:
 * the poll lost ≈ 30 % on Fastify, the rush ≈ 15 %).
 */
export const DOCUMENT_SECURITY_HEADERS: Readonly<Record<string, string>> =
  recordHeaders(documentSecurityHeaders);
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = recordHeaders(apiSecurityHeaders);

function recordHeaders(middleware: NodeMiddleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let finished = false;
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('The security headers could not be computed once at start');
  return headers;
}

/** The API's roots but Swagger UI's: a document under an API root. */
const DATA_ROOTS: ReadonlySet<string> = new Set(
  [...API_ROOTS].filter((root) => `/${root}` !== ApiRoutes.docs),
);
const isApiAnswer = (url: string): boolean => DATA_ROOTS.has(firstPathSegment(url));

/**
 * The header set of the answer to `url` (path and query as sent): the API set under the API's
 * path roots, the document set for everything else — the storefront's pages and files, Swagger
 * UI, and a path nobody serves (its 404 may be rendered as a page). Decided from the first
 * segment alone, before any route runs, so error answers carry the set of their path too.
 */
export function securityHeadersFor(url: string): Readonly<Record<string, string>> {
  return isApiAnswer(url) ? API_SECURITY_HEADERS : DOCUMENT_SECURITY_HEADERS;
}

const API_ENTRIES = Object.entries(API_SECURITY_HEADERS);
const DOCUMENT_ENTRIES = Object.entries(DOCUMENT_SECURITY_HEADERS);

/** First middleware on Express, so static files, API answers and errors all carry their set. */
export function sendSecurityHeadersOnExpress(app: NestExpressApplication): void {
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const entries = isApiAnswer(req.url ?? '/') ? API_ENTRIES : DOCUMENT_ENTRIES;
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  });
}

/**
 * The same sets on Fastify, on the reply in the first hook of every request, so Fastify writes
 * them with its own headers in one `writeHead` (and they stay on error answers and static files).
 */
export function sendSecurityHeadersOnFastify(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.headers(securityHeadersFor(request.url));
      done();
    });
}
