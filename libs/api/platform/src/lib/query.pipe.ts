import { ArgumentMetadata, Injectable, PipeTransform, ValidationError } from '@nestjs/common';
import { FieldError } from '@gtd/shared-contracts';
import { validationFailed } from './validation';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

const fieldErrors = (errors: ValidationError[]): FieldError[] =>
  errors.map((error) => ({
    field: error.property,
    messages: Object.values(error.constraints ?? { invalid: `${error.property} is invalid` }),
  }));

/**
 * Validates a query string against its DTO the way the global pipe validates bodies: every
 * offending parameter named, unknown parameters refused rather than ignored (a misspelt `limt=`
 * should not silently return the default page). The global pipe leaves queries alone on purpose,
 * so each query DTO opts in here (`@Query(QueryPipe)`).
 */
@Injectable()
export class QueryPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype;
    if (metadata.type !== 'query' || !dto) return value;
    const instance = plainToInstance(dto, { ...(value as object) }) as object;
    const errors = await validate(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) throw validationFailed(fieldErrors(errors));
    return instance;
  }
}

/** A query DTO's integer: a plain decimal becomes a number, anything else stays and is refused. */
export const queryInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^(0|[1-9]\d{0,15})$/.test(value) ? Number(value) : value;
