import { Injectable, NestMiddleware } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from './domain-error';

/** Bodies are small by design (a purchase is two numbers); anything bigger is refused early. */
export const MAX_BODY_BYTES = 16 * 1024;

// strict: false — well-formed JSON that is not an object (`null`, `42`) reaches the validation
// pipe and is refused there as VALIDATION_FAILED; MALFORMED_JSON is kept for broken syntax.
const parseJson = json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });

/** body-parser's error `type`s, mapped to our codes so the client sees why its body was refused. */
const PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.parse.failed': [ErrorCode.MalformedJson, 'The request body is not well-formed JSON.'],
  'entity.too.large': [ErrorCode.PayloadTooLarge, `The request body is larger than ${MAX_BODY_BYTES} bytes.`],
  'encoding.unsupported': [
    ErrorCode.UnsupportedMediaType,
    'The request body uses an unsupported content encoding.',
  ],
  'charset.unsupported': [ErrorCode.UnsupportedMediaType, 'The request body uses an unsupported charset.'],
};

/**
 * Everything body-parser reports is about the bytes the client sent (bad syntax, bad gzip, too
 * big, cut off), so it is a 4xx; decompression errors carry no `type`, hence the fallback.
 */
function bodyError(error: unknown): DomainError {
  const type = (error as { type?: unknown }).type;
  const [code, detail] = (typeof type === 'string' && PARSER_ERRORS[type]) || [
    ErrorCode.BadRequest,
    'The request body could not be read.',
  ];
  return new DomainError(code, detail);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function isJson(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

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
      next(new DomainError(ErrorCode.UnsupportedMediaType, 'Send the request body as application/json.'));
      return;
    }
    parseJson(req, res, (error?: unknown) => next(error === undefined ? undefined : bodyError(error)));
  }
}
