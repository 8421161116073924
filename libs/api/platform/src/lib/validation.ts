import {
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ErrorCode, FieldError } from '@gtd/shared-contracts';
import { getMetadataStorage } from 'class-validator';
import { DomainError } from './domain-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints
      ? [{ field, messages: Object.values(error.constraints) }]
      : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export function validationFailed(errors: FieldError[]): DomainError {
  return new DomainError(
    ErrorCode.ValidationFailed,
    errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ') ||
      'The request is invalid.',
    { errors },
  );
}

/**
 * The global pipe: DTOs are the contract. Unknown fields are refused (not silently dropped) and no
 * implicit conversion happens, so `"1"` is not a number and `[...]` is not an object.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

const knownProperties = new WeakMap<object, Set<string>>();

/**
 * Own keys of a parsed body that the DTO does not declare. The ValidationPipe's whitelist runs on
 * the class-transformer instance, which silently drops keys such as `__proto__` and `constructor`,
 * so they are checked here on the raw JSON against the DTO's own validation metadata.
 */
function unknownKeys(
  body: object,
  dto: new (...args: never[]) => unknown,
): string[] {
  let known = knownProperties.get(dto);
  if (!known) {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(
      dto,
      '',
      true,
      false,
    );
    known = new Set(metadatas.map((m) => m.propertyName));
    knownProperties.set(dto, known);
  }
  if (known.size === 0) return [];
  return Object.keys(body).filter((key) => !known.has(key));
}

/**
 * Body must be a single JSON object: the ValidationPipe would otherwise validate an array's items
 * or let `null` through to the handler.
 */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (
      metadata.type === 'body' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw validationFailed([
        { field: '(body)', messages: ['body must be a JSON object'] },
      ]);
    }
    if (metadata.type === 'body' && metadata.metatype) {
      const unknown = unknownKeys(value as object, metadata.metatype);
      if (unknown.length > 0) {
        throw validationFailed(
          unknown.map((key) => ({
            field: key,
            messages: [`property ${key} should not exist`],
          })),
        );
      }
    }
    return value;
  }
}

const POSITIVE_INT = /^[1-9][0-9]{0,15}$/;

/**
 * Path ids are positive safe integers written plainly: no sign, no fraction, no exponent, no
 * leading zeros, so one id has one spelling.
 */
@Injectable()
export class ParsePositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const parsed = Number(value);
    if (!POSITIVE_INT.test(value) || !Number.isSafeInteger(parsed)) {
      throw validationFailed([
        {
          field: metadata.data ?? 'id',
          messages: [`${metadata.data ?? 'id'} must be a positive integer`],
        },
      ]);
    }
    return parsed;
  }
}
