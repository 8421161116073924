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

/** First middleware on Express, so static files, API answers and errors all carry the headers. */
export function sendSecurityHeadersOnExpress(app: NestExpressApplication): void {
  app.use(securityHeaders);
}

/**
 * The same set on Fastify, through its raw Node objects in the first hook of every request (what
 * @fastify/helmet does too, without a second dependency and a second configuration to keep equal).
 */
export function sendSecurityHeadersOnFastify(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
    });
}
