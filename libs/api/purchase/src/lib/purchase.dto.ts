import { ApiProperty } from '@nestjs/swagger';
import { Order, PurchaseRequest, PurchaseResult } from '@gtd/shared-contracts';
import { IsInt, Max, Min } from 'class-validator';

export class BuyRequestDto implements PurchaseRequest {
  @ApiProperty({
    type: 'integer',
    example: 1,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Product id (positive integer).',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  productId!: number;

  @ApiProperty({
    type: 'integer',
    example: 1,
    minimum: 1,
    // The document's `maximum` is the configured MAX_QUANTITY_PER_PURCHASE (see setupOpenApi).
    description: 'How many to buy: 1 to the per-purchase maximum (`maxQuantityPerPurchase`).',
  })
  // No @Max here: the one upper bound is the configured MAX_QUANTITY_PER_PURCHASE, checked by
  // PurchaseService, so every quantity over it is told that limit. A fixed ceiling here would
  // answer "must not be greater than 1000" to a quantity over 1000 while the limit is 10.
  @IsInt()
  @Min(1)
  quantity!: number;
}

export class PurchaseResultDto implements PurchaseResult {
  @ApiProperty({ format: 'uuid', example: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10' })
  orderId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) productId!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) quantity!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 41, description: 'Left right after this purchase.' })
  remaining!: number;
}

export class OrderDto implements Order {
  @ApiProperty({ format: 'uuid', example: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10' })
  orderId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) productId!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) quantity!: number;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T20:00:00.000Z' }) createdAt!: string;
}
