import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';

/**
 * The client address a request counts as: what the platform derived from TRUST_PROXY and
 * X-Forwarded-For when that is an IP address, else the socket's peer. The header is the
 * client's to write: behind a trusted hop, `admin`, `<script>` or `1.2.3.4x` would otherwise
 * become the rate limit's key and the audit log's actor.
 */
export function validClientAddress(
  derived: string | undefined,
  socket: string | undefined,
): string | undefined {
  return derived !== undefined && isIP(derived) !== 0 ? derived : socket;
}

/** Shadows the request's `ip` getter with the checked address, for every reader after this point. */
function pinIp(request: object, derived: string | undefined, socket: string | undefined): void {
  Object.defineProperty(request, 'ip', {
    value: validClientAddress(derived, socket),
    configurable: true,
    enumerable: true,
  });
}

/**
 * Checks `req.ip` on every request before any route, guard or middleware reads it. Only needed
 * when a proxy is trusted: without one `ip` is the socket's peer already.
 */
export function checkClientAddressOnExpress(app: NestExpressApplication): void {
  app.use((req: Request, _res: Response, next: NextFunction) => {
    pinIp(req, req.ip, req.socket.remoteAddress);
    next();
  });
}

/** The same check as a Fastify `onRequest` hook, the first thing that runs for a request. */
export function checkClientAddressOnFastify(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
      pinIp(request, request.ip, request.raw.socket?.remoteAddress);
      done();
    });
}
