import type { AbstractHttpAdapter } from '@nestjs/core';
import { JSON_CONTENT_TYPE, sendBytes } from './problem-answer';

/**
 * RFC 9110 §13.1.2: `If-None-Match` matches when it is `*` or lists the tag, compared weakly (a
 * `W/` prefix is ignored), so a proxy that weakened our tag still gets its 304.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  for (const candidate of header.split(',')) {
    const tag = candidate.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

/** A JSON answer prepared once (its bytes and their tag), sent to many requests. */
export interface TaggedAnswer {
  etag: string;
  body: Buffer;
}

/**
 * Sends a prepared answer with its `ETag` and `Cache-Control`, or a bodiless 304 when the request's
 * `If-None-Match` already names it: what every polled route (the inventory, the queue status) does.
 */
export function sendTagged(
  http: AbstractHttpAdapter,
  response: object,
  answer: TaggedAnswer,
  cacheControl: string,
  ifNoneMatch: string | undefined,
): void {
  http.setHeader(response, 'ETag', answer.etag);
  http.setHeader(response, 'Cache-Control', cacheControl);
  if (ifNoneMatchMatches(ifNoneMatch, answer.etag)) {
    http.reply(response, undefined, 304);
    return;
  }
  http.setHeader(response, 'Content-Type', JSON_CONTENT_TYPE);
  sendBytes(http, response, 200, answer.body);
}
