import { ApiParam } from '@nestjs/swagger';

/** An ISO 4217 code as the standard writes it: three upper-case letters (the DTOs validate the same text). */
export const CURRENCY_PATTERN = '^[A-Z]{3}$';

/**
 * A path parameter read by `ParsePositiveIntPipe`: decimal digits, no sign or leading zero, at most
 * Number.MAX_SAFE_INTEGER. Anything else is 400 VALIDATION_FAILED.
 */
export const ApiPositiveIntParam = (name: string): MethodDecorator =>
  ApiParam({
    name,
    example: 1,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  });
