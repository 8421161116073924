import { ErrorCode } from '@gtd/shared-contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DomainError } from './domain-error';
import { BodyProblem, MAX_BODY_BYTES, tooDeepError } from './body-rules';
import { isJson, notJsonError } from './json-body';

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The Fastify twin of JsonBodyMiddleware, so both adapters refuse and accept the same bodies with
 * the same codes: JSON (or +json) only, UTF-8, at most MAX_BODY_BYTES once decompressed, gzip /
 * deflate / br decoded, objects nested deeper than MAX_JSON_DEPTH refused, `null` and other
 * non-objects left to the validation pipe, `__proto__` kept so the pipe can refuse it by name.
 */
export function installFastifyJsonBody(fastify: FastifyInstance): void {
  // Callback style, not async: this runs for every request (polls included), and an async hook
  // costs a promise and a microtask each time for the common case that has nothing to decode.
  fastify.addHook('preParsing', (request: FastifyRequest, _reply, payload, done) => {
    const header = request.headers['content-encoding'];
    const encoding = header === undefined ? 'identity' : String(header).toLowerCase();
    if (encoding === 'identity') return done(null, payload);
    const decode = DECODERS[encoding];
    if (!decode) {
      return done(new DomainError(ErrorCode.UnsupportedMediaType, BodyProblem.encoding), payload);
    }
    // A body that does not decode is the client's mistake (400), as on Express: the stream Fastify
    // reads fails with our error, not zlib's. Fastify compares the bytes read with Content-Length,
    // so it is told the encoded count.
    const decoder = decode();
    const decoded = new PassThrough() as PassThrough & { receivedEncodedLength: number };
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length));
    decoder.on('error', () => decoded.destroy(new DomainError(ErrorCode.BadRequest, BodyProblem.unreadable)));
    payload.pipe(decoder).pipe(decoded);
    done(null, decoded);
  });

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: MAX_BODY_BYTES },
    (request, text, done) => {
      const raw = request.raw as IncomingMessage;
      if (!isJson(raw)) return done(notJsonError(), undefined);
      const contentType = raw.headers['content-type'] ?? '';
      // A charset is a media-type parameter: no `;`, no charset (the common `application/json`).
      const charset = contentType.includes(';')
        ? /;\s*charset=("?)([^";]+)\1/i.exec(contentType)?.[2]?.toLowerCase()
        : undefined;
      if (charset !== undefined && !charset.startsWith('utf-')) {
        return done(new DomainError(ErrorCode.UnsupportedMediaType, BodyProblem.charset), undefined);
      }
      if (text === '') return done(null, undefined);
      let body: unknown;
      try {
        body = JSON.parse(text as string);
      } catch {
        return done(new DomainError(ErrorCode.MalformedJson, BodyProblem.malformed), undefined);
      }
      const tooDeep = tooDeepError(body);
      if (tooDeep) return done(tooDeep, undefined);
      done(null, body);
    },
  );
}
