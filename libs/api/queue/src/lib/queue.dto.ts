import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  QUEUE_ORDER_BLOCK_SIZE,
  QUEUE_ORDERS,
  QUEUE_STATES,
  QueueChallenge,
  QueueJoinRequest,
  QueueOrderBlock,
  QueueOrder,
  QueuePass,
  QueueState,
  QueueStatus,
  QueueTicket,
} from '@gtd/shared-contracts';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const int = (description: string, example: number, minimum = 0) =>
  ApiProperty({ type: 'integer', minimum, example, description });

export class QueueStatusDto implements QueueStatus {
  @int('The drop.', 1, 1) productId!: number;
  @ApiProperty({
    enum: QUEUE_STATES,
    example: 'admitting',
    description:
      '`pre_queue`: joining; the order is drawn at `opensAt`. `admitting`: the cursor moves. `paused`: stopped by the operator. `sold_out`: nothing left, nobody more is admitted (a restock resumes). `closed`: joining has not opened yet, or the drop ended.',
  })
  state!: QueueState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-01T17:30:00.000Z' })
  preQueueOpensAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-12-01T18:00:00.000Z',
    description: 'The opening, when the pre-queue is shuffled and admission begins.',
  })
  opensAt!: string | null;
  @int('Every position up to this one has been admitted.', 1200) admittedThrough!: number;
  @int('Tickets handed out.', 48210) joined!: number;
  @int('Visitors behind the cursor.', 47010) waiting!: number;
  @int('Units left.', 180) available!: number;
  @int('Admissions over the last minute: people ahead ÷ this ≈ minutes to wait.', 600)
  admissionsPerMinute!: number;
  @int('A pass lasts this long from the moment its position is admitted.', 300, 1)
  passLifetimeSeconds!: number;
  @ApiProperty({
    enum: QUEUE_ORDERS,
    example: 'random',
    description: 'How the pre-queue is placed at the opening: a random draw, or the order of joining.',
  })
  order!: QueueOrder;
  @ApiProperty({ example: false }) requireSignIn!: boolean;
  @ApiProperty({ example: false, description: 'Joining needs a solved challenge (`GET …/queue/challenge`).' })
  proofOfWork!: boolean;
  @int('Ask again after this long.', 2000, 1) pollAfterMs!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T18:01:00.000Z' }) asOf!: string;
}

export class QueueJoinDto implements QueueJoinRequest {
  @ApiPropertyOptional({
    description:
      'The solved ALTCHA challenge, base64 JSON `{ algorithm, challenge, number, salt, signature }`.',
    maxLength: 4096,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  proof?: string;
}

export class QueueTicketDto implements QueueTicket {
  @ApiProperty({
    description: 'Signed; send it as the `Queue-Ticket` header. Keep it: a reload keeps the place.',
  })
  ticket!: string;
  @int('The drop.', 1, 1) productId!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    nullable: true,
    example: 4711,
    description: '1-based; `null` until the pre-queue is drawn at the opening.',
  })
  position!: number | null;
  @ApiProperty({
    example: true,
    description: 'Joined before the opening (the place is drawn) or after (appended).',
  })
  preQueue!: boolean;
  @int(
    'The ticket’s number among its kind, in order of joining: a pre-queue ticket’s place is in block `ceil(number / 1000)` of `GET …/queue/order/{block}`.',
    17,
    1,
  )
  number!: number;
}

export class QueueOrderBlockDto implements QueueOrderBlock {
  @int('The drop.', 1, 1) productId!: number;
  @int('1-based.', 1, 1) block!: number;
  @int('The pre-queue ticket number of `positions[0]`.', 1, 1) firstTicket!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'integer', minimum: 1 },
    maxItems: QUEUE_ORDER_BLOCK_SIZE,
    example: [812, 4, 2291],
    description: '`positions[i]` is the place of pre-queue ticket `firstTicket + i`.',
  })
  positions!: number[];
}

export class QueuePassDto implements QueuePass {
  @ApiProperty({ description: 'Send it as the `Queue-Pass` header of `POST /buy`.' }) pass!: string;
  @int('The drop.', 1, 1) productId!: number;
  @int('The admitted position.', 4711, 1) position!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T18:06:00.000Z' }) expiresAt!: string;
}

export class QueueChallengeDto implements QueueChallenge {
  @ApiProperty({ example: 'SHA-256' }) algorithm!: string;
  @ApiProperty({ description: 'SHA-256 of `salt` followed by the secret number, hex.' }) challenge!: string;
  @int('The secret number lies in 0…maxnumber.', 50000, 1) maxnumber!: number;
  @ApiProperty({ description: 'Carries the drop and the expiry, signed.' }) salt!: string;
  @ApiProperty() signature!: string;
}
