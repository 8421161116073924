import type { AbstractHttpAdapter } from '@nestjs/core';
import { ErrorCode, ProblemDetails } from '@gtd/shared-contracts';
import { BearerChallenge, ProblemExtensions } from './domain-error';
import { buildProblem } from './problem';
import { noteProblemCode } from './request-observer';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
/** What Express's `res.json` and Fastify's serializer label a JSON body with. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * What a problem answer is made of before it meets a request: the fields of a DomainError (which
 * is one), so a refusal that is an expected outcome (sold out) need not be thrown to be answered.
 */
export interface ProblemSource {
  readonly code: ErrorCode;
  readonly message: string;
  readonly extensions?: ProblemExtensions;
  readonly challenge?: BearerChallenge;
}

/** A problem answer ready to write: status, the headers besides the platform's, the body's bytes. */
export interface ProblemAnswer {
  readonly status: number;
  readonly code: ErrorCode;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** The `instance` the body names (the request URL it was built for). */
  readonly instance: string | undefined;
}

/**
 * The one way a problem becomes bytes, shared by the exception filter and prepared refusals so the
 * two are equal by construction: every 401 names its challenge, a rate limit or an overload says
 * when to come back (`Retry-After`, as in the body).
 */
export function problemAnswer(problem: ProblemDetails, challenge?: BearerChallenge): ProblemAnswer {
  const headers: [string, string][] = [];
  if (problem.status === 401) headers.push(['WWW-Authenticate', challenge ?? BearerChallenge.required]);
  if (problem.retryAfterSeconds !== undefined)
    headers.push(['Retry-After', String(problem.retryAfterSeconds)]);
  headers.push(['Content-Type', PROBLEM_CONTENT_TYPE]);
  return {
    status: problem.status,
    code: problem.code,
    headers,
    body: Buffer.from(JSON.stringify(problem)),
    instance: problem.instance,
  };
}

const prepared = new WeakMap<ProblemSource, ProblemAnswer>();

/**
 * The answer to `source` at `instance`, built once per source object: a refusal shared by every
 * request it answers (PurchaseService keeps one per product state) is serialised once, not per
 * request. A different `instance` (a query string on the URL) gets its own, unshared.
 */
export function preparedProblemAnswer(source: ProblemSource, instance: string): ProblemAnswer {
  const cached = prepared.get(source);
  if (cached !== undefined && cached.instance === instance) return cached;
  const answer = problemAnswer(
    buildProblem(source.code, source.message, instance, source.extensions),
    source.challenge,
  );
  if (cached === undefined) prepared.set(source, answer);
  return answer;
}

type ExpressLikeResponse = { status(code: number): { send(body: Buffer): unknown } };
type FastifyLikeReply = { code(code: number): { send(body: Buffer): unknown }; raw: object };

/**
 * Writes `body` as it is, on either platform. Nest's `reply` would JSON-encode a Buffer on Express
 * and a string costs Express a Content-Type re-parse and an encoding per answer; bytes cost neither.
 * The caller has set the Content-Type.
 */
export function sendBytes(http: AbstractHttpAdapter, response: object, status: number, body: Buffer): void {
  if (http.getType() === 'express') {
    (response as ExpressLikeResponse).status(status).send(body);
  } else if (typeof (response as Partial<FastifyLikeReply>).code === 'function') {
    (response as FastifyLikeReply).code(status).send(body);
  } else {
    // A raw Node response (Fastify before routing): Nest's reply wraps it; the text is the same bytes.
    http.reply(response, body.toString(), status);
  }
}

/** Sends a problem answer: its headers, its bytes, and its code noted for the request's log line. */
export function sendProblemAnswer(http: AbstractHttpAdapter, response: object, answer: ProblemAnswer): void {
  noteProblemCode(response, answer.code);
  for (const [name, value] of answer.headers) http.setHeader(response, name, value);
  sendBytes(http, response, answer.status, answer.body);
}

/** A JSON answer with the bytes Express's `res.json` and Fastify's default serializer would send. */
export function sendJson(http: AbstractHttpAdapter, response: object, status: number, value: unknown): void {
  http.setHeader(response, 'Content-Type', JSON_CONTENT_TYPE);
  sendBytes(http, response, status, Buffer.from(JSON.stringify(value)));
}
