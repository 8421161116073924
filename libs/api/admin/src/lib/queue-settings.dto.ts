import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AdminQueue,
  QUEUE_ORDERS,
  QueueOrder,
  QueueSettings,
  QueueStats,
  QueueStatus,
} from '@gtd/shared-contracts';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { instantDoc, NullableInstant, QueueStatsDto } from './admin.dto';

/** The bounds of the settings, named once: the DTO enforces them and documents them. */
export const QUEUE_LIMITS = {
  admissionsPerMinute: { min: 1, max: 1_000_000 },
  stockMultiple: { min: 1, max: 10 },
  passLifetimeSeconds: { min: 30, max: 24 * 3600 },
  proofOfWork: { min: 1_000, max: 10_000_000 },
} as const;

/**
 * Body of `PUT /admin/products/{id}/queue`: the whole settings. A member left out takes its
 * default (see QUEUE_DEFAULTS), so a PUT always says everything the queue will do.
 */
export class QueueSettingsDto implements Partial<QueueSettings> {
  @ApiProperty({ example: true, description: 'Purchases of the drop need a pass from its waiting room.' })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional(
    instantDoc('When joining opens (before the drop’s `startsAt`); `null` or absent: now.'),
  )
  @NullableInstant()
  preQueueOpensAt?: string | null;

  @ApiPropertyOptional({
    enum: QUEUE_ORDERS,
    default: 'random',
    description:
      '`random`: everyone who joined before the opening is shuffled then; `fifo`: in order of joining.',
  })
  @IsOptional()
  @IsIn(QUEUE_ORDERS)
  order?: QueueOrder;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: QUEUE_LIMITS.admissionsPerMinute.min,
    maximum: QUEUE_LIMITS.admissionsPerMinute.max,
    description: 'Visitors admitted a minute while stock is left; `null` or absent: automatic (stock-aware).',
  })
  @IsOptional()
  @IsInt()
  @Min(QUEUE_LIMITS.admissionsPerMinute.min)
  @Max(QUEUE_LIMITS.admissionsPerMinute.max)
  admissionsPerMinute?: number | null;

  @ApiPropertyOptional({
    type: 'number',
    minimum: QUEUE_LIMITS.stockMultiple.min,
    maximum: QUEUE_LIMITS.stockMultiple.max,
    default: 1.2,
    description:
      'Automatic mode: admitted visitors who have not bought stay within this multiple of the units left.',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(QUEUE_LIMITS.stockMultiple.min)
  @Max(QUEUE_LIMITS.stockMultiple.max)
  stockMultiple?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: QUEUE_LIMITS.passLifetimeSeconds.min,
    maximum: QUEUE_LIMITS.passLifetimeSeconds.max,
    default: 300,
    description: 'How long an admitted visitor may buy, from the admission.',
  })
  @IsOptional()
  @IsInt()
  @Min(QUEUE_LIMITS.passLifetimeSeconds.min)
  @Max(QUEUE_LIMITS.passLifetimeSeconds.max)
  passLifetimeSeconds?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Joining needs a signed-in buyer; the pass names the buyer.',
  })
  @IsOptional()
  @IsBoolean()
  requireSignIn?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: QUEUE_LIMITS.proofOfWork.min,
    maximum: QUEUE_LIMITS.proofOfWork.max,
    description:
      'Proof-of-work difficulty of joining (ALTCHA `maxnumber`: a browser needs about maxnumber/2 SHA-256 hashes); `null` or absent: none.',
  })
  @IsOptional()
  @IsInt()
  @Min(QUEUE_LIMITS.proofOfWork.min)
  @Max(QUEUE_LIMITS.proofOfWork.max)
  proofOfWork?: number | null;

  @ApiPropertyOptional({ default: false, description: 'Stop admitting (visitors keep their places).' })
  @IsOptional()
  @IsBoolean()
  admissionsPaused?: boolean;
}

export class QueueSettingsAnswerDto implements QueueSettings {
  @ApiProperty() enabled!: boolean;
  @ApiProperty(instantDoc('When joining opens.')) preQueueOpensAt!: string | null;
  @ApiProperty({ enum: QUEUE_ORDERS }) order!: QueueOrder;
  @ApiProperty({ type: 'integer', nullable: true }) admissionsPerMinute!: number | null;
  @ApiProperty({ type: 'number' }) stockMultiple!: number;
  @ApiProperty({ type: 'integer' }) passLifetimeSeconds!: number;
  @ApiProperty() requireSignIn!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) proofOfWork!: number | null;
  @ApiProperty() admissionsPaused!: boolean;
}

export class AdminQueueDto implements AdminQueue {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) productId!: number;
  @ApiProperty({ type: () => QueueSettingsAnswerDto }) settings!: QueueSettings;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As `GET /products/{id}/queue`.' })
  status!: QueueStatus;
  @ApiProperty({ type: () => QueueStatsDto }) stats!: QueueStats;
}
