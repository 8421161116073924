import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { validationFailed } from '@gtd/api-platform';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–255 printable ASCII characters (the storefront sends a UUID per purchase attempt). */
const KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The request's `Idempotency-Key`, or null when it has none. A present key that is empty, too long
 * or not printable ASCII is a 400 VALIDATION_FAILED naming the header, never silently ignored: the
 * client asked for retry safety and must not believe it has it.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header === 'string' && KEY.test(header)) return header;
  throw validationFailed([
    {
      field: IDEMPOTENCY_KEY_HEADER,
      messages: [`${IDEMPOTENCY_KEY_HEADER} must be one value of 1 to 255 printable ASCII characters`],
    },
  ]);
}

export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | null =>
    parseIdempotencyKey(
      context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[
        'idempotency-key'
      ],
    ),
);
