import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { HttpAdapterKind, TrustProxy } from './config';
import { ErrorCode } from '@gtd/shared-contracts';
import { answerClientError } from './client-error';
import { checkClientAddressOnExpress, checkClientAddressOnFastify } from './client-address';
import { installFastifyJsonBody } from './fastify-body';
import { buildProblem } from './problem';
import { acceptRequestId, REQUEST_ID_HEADER } from './request-id';
import { MAX_BODY_BYTES } from './body-rules';
import { sendSecurityHeadersOnExpress, sendSecurityHeadersOnFastify } from './security-headers';
import { serveStorefront, serveStorefrontOnFastify } from './storefront';

// abortOnError: false — a bad catalogue or store must exit with its message, not abort().
// logger: false + bufferLogs while the modules start — what they log is kept until the caller
// installs the app's logger (`useLogger`, then `flushLogs`); a failed start-up is reported once,
// by the caller, instead of also as Nest's stack trace (autoFlushLogs: false).
const STARTUP = {
  bodyParser: false,
  abortOnError: false,
  logger: false,
  bufferLogs: true,
  autoFlushLogs: false,
} as const;

/**
 * TRUST_PROXY for Fastify. Since 5.12 Fastify treats a hop count as "trust nothing" (a client that
 * reaches the server directly could write the hops itself); Express still counts hops, and so does
 * this contract: the count becomes the same rule as a function (the nearest `hops` addresses are
 * proxies). An address list stays the bounded choice the README recommends.
 */
function onFastify(trustProxy: TrustProxy): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  return (_address, hop) => hop < trustProxy;
}

/**
 * The Nest app on the chosen HTTP platform, with the same contract on both: body rules, error
 * bodies, storefront serving. Express is the default (the platform the design names); Fastify
 * is the faster one.
 */
export async function createHttpApp(
  module: DynamicModule,
  kind: HttpAdapterKind,
  webRoot: string,
  trustProxy: TrustProxy = false,
): Promise<INestApplication> {
  if (kind === 'fastify') {
    const adapter = new FastifyAdapter({
      bodyLimit: MAX_BODY_BYTES,
      trustProxy: onFastify(trustProxy),
      // Keep such keys so the validation pipe refuses them by name, as on Express.
      onProtoPoisoning: 'ignore',
      onConstructorPoisoning: 'ignore',
      // While draining, Fastify would answer requests itself with a bare JSON 503 (not problem+json,
      // no X-Request-Id, no `purchase` member on /buy). Like Express, let them run: the store closes
      // only after HTTP has drained, so each gets its real answer.
      return503OnClosing: false,
      // Requests Node cannot parse get a problem, as on Express (see answerClientError).
      clientErrorHandler: answerClientError,
      // Fastify names every request anyway; this makes its id ours (see RequestObserver).
      genReqId: (request: IncomingMessage) => acceptRequestId(request.headers[REQUEST_ID_HEADER]),
      // Errors Fastify raises before routing (a URL that does not decode) get the same problem
      // body as everything else; Express reports the same case through Nest's filter.
      frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
        const problem = buildProblem(ErrorCode.BadRequest, error.message, request.url);
        void reply
          // Before routing, so RequestObserver's onRequest hook has not named the answer yet.
          .header(REQUEST_ID_HEADER, request.id)
          .status(problem.status)
          .type('application/problem+json; charset=utf-8')
          .send(JSON.stringify(problem));
      },
    });
    const app = await NestFactory.create<NestFastifyApplication>(module, adapter, STARTUP);
    sendSecurityHeadersOnFastify(app);
    if (trustProxy !== false) checkClientAddressOnFastify(app);
    installFastifyJsonBody(app.getHttpAdapter().getInstance());
    serveStorefrontOnFastify(app, webRoot);
    return app;
  }
  const app = await NestFactory.create<NestExpressApplication>(module, STARTUP);
  app.disable('x-powered-by');
  // Requests Node cannot parse get a problem, not Node's bare 400 (see answerClientError).
  app.getHttpServer().on('clientError', answerClientError);
  sendSecurityHeadersOnExpress(app);
  app.set('trust proxy', trustProxy);
  if (trustProxy !== false) checkClientAddressOnExpress(app);
  // Express would hash every JSON body for a weak ETag no client of ours uses.
  app.set('etag', false);
  serveStorefront(app, webRoot);
  return app;
}
