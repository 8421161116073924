import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AdminProduct,
  AuditEntry,
  CreateDropRequest,
  DROP_STATES,
  DropState,
  DropSummary,
  ErrorCode,
  RestockRequest,
  UpdateDropRequest,
  QueueStats,
} from '@gtd/shared-contracts';
import { CURRENCY_PATTERN, queryInt } from '@gtd/api-platform';
import { AuditAction } from './audit-log';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';

/** Stock and prices live in PostgreSQL `integer` columns in the durable stores. */
export const MAX_INT32 = 2_147_483_647;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
/** An audit entry's id as the API writes it: a decimal bigint, as text. */
const AUDIT_ID = /^[1-9]\d{0,15}$/;
const AUDIT_ACTIONS = Object.values(AuditAction);

/** A date-time with an explicit zone: `2026-11-25T20:00:00Z` means one instant on every server. */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 4217 code as the standard writes it (class-validator alone also accepts `eur`). */
function CurrencyCode(): PropertyDecorator {
  return (target, property) => {
    IsISO4217CurrencyCode()(target, property);
    Matches(new RegExp(CURRENCY_PATTERN), {
      message: 'currency must be an upper-case ISO 4217 code, e.g. EUR',
    })(target, property);
  };
}

/** Present-but-null is allowed (it clears the value); absent is allowed; anything else is checked. */
export function NullableInstant(): PropertyDecorator {
  return (target, property) => {
    const name = String(property);
    IsOptional()(target, property);
    IsISO8601({ strict: true, strictSeparator: true }, { message: `${name} must be an ISO 8601 date-time` })(
      target,
      property,
    );
    Matches(ZONED_DATE_TIME, {
      message: `${name} must be a date-time with a time zone, e.g. 2026-11-25T20:00:00Z`,
    })(target, property);
  };
}

/** Optional, but never null: the field may be left out, not cleared. */
const Absent = (options?: ValidationOptions) =>
  ValidateIf((_object: unknown, value: unknown) => value !== undefined, options);

/** A drop's display name: 1–200 characters, not only blanks. */
function DropName(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(1, 200)(target, property);
    Matches(/\S/, { message: 'name must not be blank' })(target, property);
  };
}

export const instantDoc = (description: string) => ({
  type: String,
  format: 'date-time',
  nullable: true,
  example: '2026-11-25T20:00:00Z',
  description,
});

export class CreateDropDto implements CreateDropRequest {
  @ApiProperty({ example: 'Golden Ticket', minLength: 1, maxLength: 200 })
  @DropName()
  name!: string;

  @ApiPropertyOptional({ example: 'A tour of the chocolate factory.', maxLength: 2000, default: '' })
  @Absent()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({
    type: 'integer',
    example: 5000,
    minimum: 0,
    maximum: MAX_INT32,
    description: 'Minor units of `currency`.',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  price!: number;

  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN, description: 'ISO 4217 code.' })
  @CurrencyCode()
  currency!: string;

  @ApiProperty({ type: 'integer', example: 100, minimum: 0, maximum: MAX_INT32 })
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  stock!: number;

  @ApiPropertyOptional(instantDoc('When the drop opens; `null` or absent: on sale at once.'))
  @NullableInstant()
  startsAt?: string | null;

  @ApiPropertyOptional(instantDoc('When the drop closes (after `startsAt`); `null` or absent: no end.'))
  @NullableInstant()
  endsAt?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_INT32,
    example: 2,
    description:
      'Most units one signed-in buyer may hold; `null` or absent: no limit, anonymous buyers welcome.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  perBuyerLimit?: number | null;
}

/** Any subset of the drop's fields; stock changes go through restock. */
export class UpdateDropDto implements UpdateDropRequest {
  @ApiPropertyOptional({ example: 'Golden Ticket', minLength: 1, maxLength: 200 })
  @Absent()
  @DropName()
  name?: string;

  @ApiPropertyOptional({ example: 'A tour of the chocolate factory.', maxLength: 2000 })
  @Absent()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: 'integer', example: 5000, minimum: 0, maximum: MAX_INT32 })
  @Absent()
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  price?: number;

  @ApiPropertyOptional({ example: 'EUR', pattern: CURRENCY_PATTERN })
  @Absent()
  @CurrencyCode()
  currency?: string;

  @ApiPropertyOptional(instantDoc('`null` opens the drop at once.'))
  @NullableInstant()
  startsAt?: string | null;

  @ApiPropertyOptional(instantDoc('`null` removes the end.'))
  @NullableInstant()
  endsAt?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_INT32,
    example: 2,
    description: '`null` removes the limit.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  perBuyerLimit?: number | null;
}

export class RestockDto implements RestockRequest {
  @ApiProperty({
    enum: ['add', 'set'],
    example: 'add',
    description: '`add`: stock and available grow by `quantity`; `set`: available becomes `quantity`.',
  })
  @IsIn(['add', 'set'])
  mode!: 'add' | 'set';

  @ApiProperty({ type: 'integer', example: 50, minimum: 0, maximum: MAX_INT32 })
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  quantity!: number;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(queryInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'An entry `id` (decimal digits, as the entries carry it): only older entries are listed (the next page).',
    example: '42',
    pattern: AUDIT_ID.source,
  })
  @IsOptional()
  @Matches(AUDIT_ID, { message: 'before must be the id of an audit entry' })
  before?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only the entries of this product.' })
  @IsOptional()
  @Transform(queryInt)
  @IsInt()
  @Min(1)
  productId?: number;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, description: 'Only the entries of this action.' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;
}

export class AdminProductDto implements AdminProduct {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) id!: number;
  @ApiProperty({ example: 'Golden Ticket' }) name!: string;
  @ApiProperty({ example: 'A tour of the chocolate factory.' }) description!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 5000, description: 'Minor units of `currency`.' })
  price!: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN }) currency!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 100,
    description: 'Units put on sale so far (initial stock plus restocks).',
  })
  stock!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 42 }) available!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 10 }) maxQuantityPerPurchase!: number;
  @ApiProperty(instantDoc('When the drop opens.')) startsAt!: string | null;
  @ApiProperty(instantDoc('When the drop closes.')) endsAt!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, nullable: true, example: 2 }) perBuyerLimit!: number | null;
  @ApiProperty({ enum: DROP_STATES, example: 'live' }) state!: DropState;
  @ApiProperty({ example: false }) paused!: boolean;
}

export class QueueStatsDto implements QueueStats {
  @ApiProperty({ type: 'integer', minimum: 0, example: 48210 }) joined!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 47010 }) waiting!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1200 }) admitted!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 140,
    description: 'Admitted, turn still running, not bought.',
  })
  passesInUse!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1010, description: 'Admitted visitors who bought.' })
  converted!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1, example: 0.84 }) conversion!: number;
}

export class DropSummaryDto implements DropSummary {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) productId!: number;
  @ApiProperty({ enum: DROP_STATES, example: 'sold_out' }) state!: DropState;
  @ApiProperty({ type: 'integer', minimum: 0, example: 100 }) stock!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 100 }) sold!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) available!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 61 }) orders!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 58,
    description: 'Distinct signed-in buyers with an order.',
  })
  buyers!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { SOLD_OUT: 4210, LIMIT_REACHED: 12 },
    description: 'Rejected attempts by code; written about once a second, so a moment behind.',
  })
  rejects!: Partial<Record<ErrorCode, number>>;
  @ApiPropertyOptional({ type: () => QueueStatsDto, description: 'The waiting room, when the drop has one.' })
  queue?: QueueStats;
}

export class AuditEntryDto implements AuditEntry {
  @ApiProperty({ example: '42', pattern: AUDIT_ID.source }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T19:00:00.000Z' }) at!: string;
  @ApiProperty({ example: 'admin@203.0.113.7' }) actor!: string;
  @ApiProperty({
    example: 'product.restock',
    enum: [
      'product.create',
      'product.update',
      'product.restock',
      'product.pause',
      'product.resume',
      'queue.update',
      'queue.pause',
      'queue.resume',
      'order.cancel',
    ],
  })
  action!: string;
  @ApiProperty({ type: 'integer', minimum: 1, nullable: true, example: 1 }) productId!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      mode: 'add',
      quantity: 50,
      before: { stock: 100, available: 0 },
      after: { stock: 150, available: 50 },
    },
  })
  details!: Record<string, unknown>;
}
