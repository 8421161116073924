import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

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

/**
 * One header set for both HTTP platforms: helmet's defaults (nosniff, Referrer-Policy no-referrer,
 * COOP/CORP same-origin, …) with the policy above, X-Frame-Options DENY for browsers that predate
 * `frame-ancestors`, and no HSTS — the app is reached over plain HTTP behind the TLS edge, which
 * is where Strict-Transport-Security belongs (README, "Security headers").
 */
export const securityHeaders: NodeMiddleware = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
});

/**
 * What `securityHeaders` writes, recorded once at start: with this configuration no header depends
 * on the request, so each response gets the same fixed set without running helmet's dozen
 * middlewares again. On Fastify it also keeps Node's fast `writeHead` path: headers set on the raw
 * response before Fastify writes its own make Node merge the two sets for every response (measured:
 * the poll lost ≈ 30 % on Fastify, the rush ≈ 15 %).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = recordHeaders(securityHeaders);

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

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/** First middleware on Express, so static files, API answers and errors all carry the headers. */
export function sendSecurityHeadersOnExpress(app: NestExpressApplication): void {
  app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
    next();
  });
}

/**
 * The same set on Fastify, on the reply in the first hook of every request, so Fastify writes them
 * with its own headers in one `writeHead` (and they stay on error answers and static files).
 */
export function sendSecurityHeadersOnFastify(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.headers(SECURITY_HEADERS);
      done();
    });
}
