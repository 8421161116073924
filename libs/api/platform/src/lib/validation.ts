import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorCode, FieldError } from '@gtd/shared-contracts';
import { getMetadataStorage } from 'class-validator';
import { DomainError } from './domain-error';
import { compileFastAcceptor } from './fast-accept';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export function validationFailed(errors: FieldError[]): DomainError {
  return new DomainError(
    ErrorCode.ValidationFailed,
    errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ') || 'The request is invalid.',
    { errors },
  );
}

type DtoClass = new (...args: never[]) => unknown;
const declaredProperties = new WeakMap<DtoClass, Set<string>>();

/**
 * Own keys of the raw JSON body that the DTO does not declare. The whitelist of class-validator
 * runs on the class-transformer instance, which silently drops keys such as `__proto__` and
 * `constructor`; checking the raw body against the DTO's own metadata catches them all.
 */
function undeclaredKeys(body: object, dto: DtoClass): string[] {
  let declared = declaredProperties.get(dto);
  if (!declared) {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    declared = new Set(metadatas.map((m) => m.propertyName));
    declaredProperties.set(dto, declared);
  }
  if (declared.size === 0) return [];
  return Object.keys(body).filter((key) => !declared.has(key));
}

const undeclaredFieldErrors = (keys: string[]): FieldError[] =>
  keys.map((key) => ({ field: key, messages: [`property ${key} should not exist`] }));

/**
 * The global pipe: class-validator DTOs are the contract. A body must be one JSON object (not an
 * array, not null); unknown fields are refused, not dropped; nothing is converted implicitly, so
 * `"1"` is not a number. Path and query parameters are left as strings for their own explicit
 * pipes (ValidationPipe would otherwise turn `/products/01` or `/products/1e3` into numbers
 * before those pipes could refuse them).
 */
@Injectable()
export class ContractValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  private readonly fastAcceptors = new WeakMap<DtoClass, ((body: object) => boolean) | undefined>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw validationFailed([{ field: '(body)', messages: ['body must be a JSON object'] }]);
    }
    const dto = metadata.metatype as DtoClass | undefined;
    if (dto) {
      if (!this.fastAcceptors.has(dto)) this.fastAcceptors.set(dto, compileFastAcceptor(dto));
      // A body that already satisfies every rule is used as is (as the DTO class, like transform
      // would); everything else takes the full pipeline below for its per-field errors.
      if (this.fastAcceptors.get(dto)?.(value)) return Object.assign(new dto() as object, value);
    }
    const undeclared = metadata.metatype ? undeclaredKeys(value, metadata.metatype) : [];
    try {
      const transformed = await super.transform(value, metadata);
      if (undeclared.length > 0) throw validationFailed(undeclaredFieldErrors(undeclared));
      return transformed;
    } catch (error) {
      if (!(error instanceof DomainError) || undeclared.length === 0) throw error;
      // One answer lists every offending field, including keys the whitelist could not see.
      const reported = error.extensions.errors ?? [];
      const missing = undeclared.filter((key) => !reported.some((e) => e.field === key));
      throw validationFailed([...reported, ...undeclaredFieldErrors(missing)]);
    }
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
    const name = metadata.data ?? 'id';
    const parsed = Number(value);
    if (typeof value !== 'string' || !POSITIVE_INT.test(value) || !Number.isSafeInteger(parsed)) {
      throw validationFailed([{ field: name, messages: [`${name} must be a positive integer`] }]);
    }
    return parsed;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its text form (order ids), any version, either case. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Path parameters that are UUIDs (order ids), refused with the parameter's name like the ids above. */
@Injectable()
export class ParseUuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    const name = metadata.data ?? 'id';
    if (!isUuid(value)) {
      throw validationFailed([{ field: name, messages: [`${name} must be a UUID`] }]);
    }
    return value;
  }
}
