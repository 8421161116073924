import { Injectable } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ErrorCode } from '@gtd/shared-contracts';
import { buildProblem } from './problem';
import { problemAnswer } from './problem-answer';
import { noteProblemCode, noteShed } from './request-observer';

/** A route that can tell, from its own state alone, that it would refuse the next request anyway. */
export interface SheddingRule {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
  /** The route's path exactly as clients send it (no parameters). */
  path: string;
  /** True while the route is saturated; asked once per request to that route, so it must be cheap. */
  overloaded: () => boolean;
  /** The 503's `detail`: what happened and that nothing was changed. */
  detail: string;
  retryAfterSeconds: number;
}

/** A ready answer: the bytes and headers of the route's 503. */
interface Refusal {
  route: string;
  body: Buffer;
  headers: Record<string, string>;
}

interface PreparedRule {
  rule: SheddingRule;
  /** The answer for the bare path; a URL with a query string gets its own `instance`. */
  refusal: Refusal;
}

/**
 * Refuses requests to a saturated route before Nest's pipeline: no body read, no guard, no pipe,
 * no exception, no filter — one prepared 503 per route, the same bytes the route's own refusal
 * produces. A flood of sign-ins past the password-hash queue cost ≈ the whole Nest pipeline per
 * refusal, and the refusals, not the hashes, were then what delayed every poll on the same loop.
 *
 * Installed right after RequestObserver (ObservabilityModule), so a shed request still gets its
 * request id, its latency observation and its place in the log digest.
 */
@Injectable()
export class LoadShedder {
  private readonly rules = new Map<string, PreparedRule>();

  shed(rule: SheddingRule): void {
    this.rules.set(`${rule.method} ${rule.path}`, { rule, refusal: prepareRefusal(rule, rule.path) });
  }

  /** The answer for a request to a saturated route, or undefined to let it through. */
  refusalFor(method: string, url: string): Refusal | undefined {
    if (this.rules.size === 0) return undefined;
    const query = url.indexOf('?');
    const prepared = this.rules.get(`${method} ${query < 0 ? url : url.slice(0, query)}`);
    if (!prepared || !prepared.rule.overloaded()) return undefined;
    return query < 0 ? prepared.refusal : prepareRefusal(prepared.rule, url);
  }

  install(adapter: AbstractHttpAdapter): void {
    if (adapter.getType() === 'fastify') this.installOnFastify(adapter.getInstance<FastifyInstance>());
    else this.installOnExpress(adapter.getInstance<Express>());
  }

  private installOnExpress(app: Express): void {
    app.use((req: Request, res: Response, next: NextFunction) => {
      const refusal = this.refusalFor(req.method, req.originalUrl);
      if (!refusal) {
        next();
        return;
      }
      // Node discards the unread request body once the answer is sent; the connection stays usable.
      markShed(res, refusal.route);
      res.writeHead(503, refusal.headers);
      res.end(refusal.body);
    });
  }

  private installOnFastify(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const refusal = this.refusalFor(request.method, request.url);
      if (!refusal) {
        done();
        return;
      }
      markShed(reply.raw, refusal.route);
      void reply.code(503).headers(refusal.headers).send(refusal.body);
    });
  }
}

function prepareRefusal(rule: SheddingRule, instance: string): Refusal {
  // The same bytes and headers as the filter's answer to the route's own refusal (problemAnswer).
  const answer = problemAnswer(
    buildProblem(ErrorCode.ServiceUnavailable, rule.detail, instance, {
      retryAfterSeconds: rule.retryAfterSeconds,
    }),
  );
  return {
    route: rule.path,
    body: answer.body,
    headers: { ...Object.fromEntries(answer.headers), 'Content-Length': String(answer.body.length) },
  };
}

function markShed(response: ServerResponse, route: string): void {
  noteProblemCode(response, ErrorCode.ServiceUnavailable);
  noteShed(response, route);
}
