import { ApiProperty } from '@nestjs/swagger';
import { DROP_STATES, DropState, Inventory, Product } from '@gtd/shared-contracts';
import { CURRENCY_PATTERN } from '@gtd/api-platform';

const STATE_DESCRIPTION =
  'Where the drop stands now: `paused` (by its operator) > `upcoming` (before `startsAt`) > `ended` (from `endsAt`) > `sold_out` > `live`.';

export class ProductDto implements Product {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) id!: number;
  @ApiProperty({ example: 'Golden Ticket' }) name!: string;
  @ApiProperty({
    example: 'A tour of the chocolate factory for one lucky holder.',
  })
  description!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 5000,
    description: 'Price in the minor unit of `currency` (5000 EUR = €50.00).',
  })
  price!: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN, description: 'ISO 4217 currency code.' })
  currency!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 100, description: 'Stock the drop started with.' })
  stock!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 42, description: 'Left right now.' })
  available!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 10,
    description: 'The most one purchase may ask for.',
  })
  maxQuantityPerPurchase!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-12-01T18:00:00.000Z',
    description: 'When the drop opens; purchases before it get 409 NOT_STARTED. `null`: open since creation.',
  })
  startsAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the drop closes; purchases from then on get 409 ENDED. `null`: no end.',
  })
  endsAt!: string | null;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    nullable: true,
    example: 2,
    description:
      'The most one signed-in buyer may hold in total; `null`: no limit, anonymous purchases allowed.',
  })
  perBuyerLimit!: number | null;
  @ApiProperty({ enum: DROP_STATES, example: 'live', description: STATE_DESCRIPTION })
  state!: DropState;
}

export class InventoryDto implements Inventory {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) productId!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 42 }) available!: number;
  @ApiProperty({ enum: DROP_STATES, example: 'live', description: STATE_DESCRIPTION })
  state!: DropState;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 1000,
    description:
      'Milliseconds to wait before polling again. POLL_INTERVAL_MS while the server has room; up to 10× that under load or while nothing is for sale; never past an upcoming drop’s opening.',
  })
  pollAfterMs!: number;
}
