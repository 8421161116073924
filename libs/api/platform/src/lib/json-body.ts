import { Injectable, NestMiddleware } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { BodyProblem, MAX_BODY_BYTES, tooDeepError } from './body-rules';
import { DomainError } from './domain-error';

// strict: false — well-formed JSON that is not an object (`null`, `42`) reaches the validation
// pipe and is refused there as VALIDATION_FAILED; MALFORMED_JSON is kept for broken syntax.
const parseJson = json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });

/** body-parser's error `type`s, mapped to our codes so the client sees why its body was refused. */
const PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.parse.failed': [ErrorCode.MalformedJson, BodyProblem.malformed],
  'entity.too.large': [ErrorCode.PayloadTooLarge, BodyProblem.tooLarge],
  'encoding.unsupported': [ErrorCode.UnsupportedMediaType, BodyProblem.encoding],
  'charset.unsupported': [ErrorCode.UnsupportedMediaType, BodyProblem.charset],
};

/**
 * Everything body-parser reports is about the bytes the client sent (bad syntax, bad gzip, too
 * big, cut off), so it is a 4xx; decompression errors carry no `type`, hence the fallback.
 */
function bodyError(error: unknown): DomainError {
  const type = (error as { type?: unknown }).type;
  const [code, detail] = (typeof type === 'string' && PARSER_ERRORS[type]) || [
    ErrorCode.BadRequest,
    BodyProblem.unreadable,
  ];
  return new DomainError(code, detail);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export function isJson(req: IncomingMessage): boolean {
  const header = req.headers['content-type'];
  // What every client of ours sends, answered without splitting and lower-casing a copy.
  if (header === 'application/json') return true;
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export const notJsonError = (): DomainError =>
  new DomainError(ErrorCode.UnsupportedMediaType, BodyProblem.notJson);

/**
 * Parses JSON bodies as Nest middleware (not Express-level) so parser errors reach the one
 * exception filter and come back as problem+json, never Express's HTML error page. A body in any
 * other media type is refused with 415 instead of being read as an empty object.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    if (!hasBody(req)) {
      next();
      return;
    }
    if (!isJson(req)) {
      next(notJsonError());
      return;
    }
    parseJson(req, res, (error?: unknown) =>
      next(error === undefined ? tooDeepError((req as { body?: unknown }).body) : bodyError(error)),
    );
  }
}
