import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@gtd/shared-contracts';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ROOT_LOGGER, RootLogger } from './logging';
import { MetricsRegistry, RequestLatencyHistogram } from './metrics';
import { RefusalDigest } from './refusal-digest';
import { acceptRequestId, REQUEST_ID_HEADER } from './request-id';

/** The route label of requests no route matched (unknown paths; on Express, bodies refused before routing). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Headers worth having in a request's log line (never cookies). */
const LOGGED_HEADERS = ['user-agent', 'content-type', 'x-forwarded-for', 'idempotency-key'];
/** Whether a request was signed in matters when reading an AUTH_REQUIRED; the token itself never. */
const REDACTED = '[redacted]';

const PROBLEM_CODE = Symbol('problemCode');
const SHED = Symbol('shed');
/**
 * Answers a crowd gets by the thousand and that say nothing about one request: a rate limit, and a
 * purchase refused for the drop's state (sold out, not started, ended, paused — the same answer for
 * everyone pressing Buy now). Counted in the refusal digest, not logged one line each; the metrics
 * and the store's rejection tally still count every one.
 */
const DIGESTED_CODES: ReadonlySet<string> = new Set([
  ErrorCode.RateLimited,
  ErrorCode.SoldOut,
  ErrorCode.NotStarted,
  ErrorCode.Ended,
  ErrorCode.Paused,
]);

/** SHED holds the route the refused request was for: on Express it never reached the router. */
type ProblemMarked = { [PROBLEM_CODE]?: string; [SHED]?: string };
const STARTED_AT = Symbol('startedAt');
type ObservedResponse = ServerResponse & ProblemMarked & { [STARTED_AT]: number };

/**
 * Remembers the problem `code` an error response answered with, for the request's log line.
 * `response` is what an exception filter gets: Express's response or Fastify's reply.
 */
export function noteProblemCode(response: object, code: string): void {
  const raw = ((response as { raw?: object }).raw ?? response) as ProblemMarked;
  raw[PROBLEM_CODE] = code;
}

/** Marks an answer LoadShedder gave to `route` before Nest's pipeline: counted in the refusal digest. */
export function noteShed(response: ServerResponse, route: string): void {
  (response as ServerResponse & ProblemMarked)[SHED] = route;
}

export interface CompletedRequest {
  id: string;
  method: string;
  url: string;
  /** The route template, or UNMATCHED_ROUTE. */
  route: string;
  status: number;
  seconds: number;
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
  problemCode: string | undefined;
  /** Refused by LoadShedder before any work. */
  shed?: boolean;
}

/**
 * One hook per request on the raw HTTP platform, ahead of Nest's pipeline, for what every request
 * needs: a request id (accepted from `X-Request-Id` when sane, answered in `X-Request-Id`), one
 * latency observation by route template, and its log line. Done here rather than with pino-http
 * through nestjs-pino's middleware: on Fastify that middleware runs through @fastify/middie, and
 * it binds an AsyncLocalStorage context per request; measured on a poll, ~60 µs and ~12 µs of CPU
 * per request, against ~30 µs for the whole poll without them. Lines written while handling a
 * request carry its id explicitly (see ProblemDetailsFilter).
 *
 * What is logged: every request that fails (4xx `warn`, 5xx `error`) and every write (`info`).
 * Successful reads — the polls, the SSE streams, /metrics, /health — are `debug`, so at the
 * default `info` a crowd polling costs no log line at all. Rate-limited, shed and drop-state
 * refusals (DIGESTED_CODES) are counted in a RefusalDigest, one line per interval: a flood or a
 * sold-out crowd must not write a line per request.
 */
@Injectable()
export class RequestObserver implements OnApplicationShutdown {
  readonly latency = new RequestLatencyHistogram();
  private readonly refusals: RefusalDigest;
  /** Decided once: whether a successful read is worth building a line for. */
  private readonly logsReads: boolean;

  constructor(
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
    metrics: MetricsRegistry,
  ) {
    metrics.register(this.latency);
    this.logsReads = logger.isLevelEnabled('debug');
    this.refusals = new RefusalDigest(logger);
  }

  onApplicationShutdown(): void {
    this.refusals.flush();
  }

  /** Before Nest's middleware and routes are registered (from a module's `configure`). */
  install(adapter: AbstractHttpAdapter): void {
    if (adapter.getType() === 'fastify') this.installOnFastify(adapter.getInstance<FastifyInstance>());
    else this.installOnExpress(adapter.getInstance<Express>());
  }

  completed(request: CompletedRequest): void {
    const { method, status } = request;
    this.latency.observe(method, request.route, status, request.seconds);
    if (request.shed || (request.problemCode !== undefined && DIGESTED_CODES.has(request.problemCode))) {
      this.refusals.count(method, request.route, status, request.problemCode);
      return;
    }
    const read = method === 'GET' || method === 'HEAD';
    if (status < 400 && read && !this.logsReads) return;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : read ? 'debug' : 'info';
    this.logger[level](
      {
        reqId: request.id,
        req: {
          method,
          url: request.url,
          remoteAddress: request.remoteAddress,
          headers: pickHeaders(request.headers),
        },
        res: { statusCode: status },
        route: request.route,
        responseTime: Math.round(request.seconds * 1e6) / 1e3,
        ...(request.problemCode === undefined ? {} : { code: request.problemCode }),
      },
      status >= 500 ? 'request failed' : 'request completed',
    );
  }

  private installOnExpress(app: Express): void {
    // One listener function for every response, reading what it needs from the response itself:
    // `once` with a closure would allocate the closure and once's wrapper per request.
    const completed = (request: CompletedRequest) => this.completed(request);
    function finished(this: ObservedResponse): void {
      // A stream's duration is how long the client stayed, not a latency (and Fastify does not
      // report its end either).
      if (isEventStream(this)) return;
      const req = this.req as Request;
      completed({
        id: (req as Request & { id: string }).id,
        method: req.method,
        url: req.originalUrl,
        route: this[SHED] ?? expressRouteOf(req),
        status: this.statusCode,
        seconds: (performance.now() - this[STARTED_AT]) / 1e3,
        remoteAddress: req.socket.remoteAddress,
        headers: req.headers,
        problemCode: this[PROBLEM_CODE],
        shed: this[SHED] !== undefined,
      });
    }
    app.use((req: Request, res: Response, next: NextFunction) => {
      const id = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
      (req as Request & { id: string }).id = id;
      res.setHeader(REQUEST_ID_HEADER, id);
      (res as unknown as ObservedResponse)[STARTED_AT] = performance.now();
      res.on('finish', finished);
      next();
    });
  }

  /** The id itself comes from the adapter's `genReqId` (createHttpApp), which Fastify calls anyway. */
  private installOnFastify(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
    // Fastify times every request already (`elapsedTime`); it runs this once the answer is sent.
    fastify.addHook('onResponse', (request, reply, done) => {
      this.completed({
        id: request.id,
        method: request.method,
        url: request.url,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status: reply.statusCode,
        seconds: reply.elapsedTime / 1e3,
        remoteAddress: request.raw.socket?.remoteAddress,
        headers: request.headers,
        problemCode: (reply.raw as ServerResponse & ProblemMarked)[PROBLEM_CODE],
        shed: (reply.raw as ServerResponse & ProblemMarked)[SHED] !== undefined,
      });
      done();
    });
  }
}

/**
 * The template of the route that answered. Nest mounts app-wide middleware as a catch-all route
 * (`/*path`), which a request that reached no controller still carries; a wildcard is never one of
 * our routes, so it counts as unmatched.
 */
function expressRouteOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.includes('*') ? path : UNMATCHED_ROUTE;
}

function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

function pickHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const picked: Record<string, string | string[]> = {};
  for (const name of LOGGED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  if (headers.authorization !== undefined) picked['authorization'] = REDACTED;
  return picked;
}
