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
  /**
   * How long a refusal is held before it is sent (0: at once). A client that ignores
   * `Retry-After` and asks again the moment it is refused — a flood — then sends one request per
   * hold instead of one per round trip; a client that honours it waits as long anyway.
   */
  holdMs?: number;
}

/**
 * At most this many refusals are held at once (an open socket and a timer each, a few KB); past
 * it they are sent at once. A flood with more connections than this still costs each of them the
 * prepared answer only.
 */
export const MAX_HELD_REFUSALS = 4096;

/** A ready answer: the bytes and headers of the route's 503. */
interface Refusal {
  route: string;
  holdMs: number;
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
 * A closed-loop flood still made each poll wait behind one refusal per flooding connection (64 ×
 * 50–170 µs); holding each refusal (`holdMs`) slows such a client to one request per hold.
 *
 * Installed right after RequestObserver (ObservabilityModule), so a shed request still gets its
 * request id, its latency observation and its place in the log digest.
 */
@Injectable()
export class LoadShedder {
  /** By path, then method: every request asks, so the lookup builds no string (no key concatenation). */
  private readonly rules = new Map<string, PreparedRule[]>();
  private held = 0;

  shed(rule: SheddingRule): void {
    const others = (this.rules.get(rule.path) ?? []).filter((p) => p.rule.method !== rule.method);
    this.rules.set(rule.path, [...others, { rule, refusal: prepareRefusal(rule, rule.path) }]);
  }

  /** The answer for a request to a saturated route, or undefined to let it through. */
  refusalFor(method: string, url: string): Refusal | undefined {
    if (this.rules.size === 0) return undefined;
    const query = url.indexOf('?');
    const forPath = this.rules.get(query < 0 ? url : url.slice(0, query));
    if (forPath === undefined) return undefined;
    const prepared = forPath.find((p) => p.rule.method === method);
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
      this.afterHold(refusal, () => {
        if (res.destroyed) return;
        res.writeHead(503, refusal.headers);
        res.end(refusal.body);
      });
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
      this.afterHold(refusal, () => {
        if (reply.raw.destroyed) return;
        void reply.code(503).headers(refusal.headers).send(refusal.body);
      });
    });
  }

  /** Sends at once, or after the rule's hold while fewer than MAX_HELD_REFUSALS wait. */
  private afterHold(refusal: Refusal, send: () => void): void {
    if (refusal.holdMs <= 0 || this.held >= MAX_HELD_REFUSALS) {
      send();
      return;
    }
    this.held++;
    // Not unref'd: a held request is in flight, and a draining server answers it before it exits.
    setTimeout(() => {
      this.held--;
      send();
    }, refusal.holdMs);
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
    holdMs: rule.holdMs ?? 0,
    body: answer.body,
    headers: { ...Object.fromEntries(answer.headers), 'Content-Length': String(answer.body.length) },
  };
}

function markShed(response: ServerResponse, route: string): void {
  noteProblemCode(response, ErrorCode.ServiceUnavailable);
  noteShed(response, route);
}
