import { ApiProperty } from '@nestjs/swagger';
import { Order, PurchaseRequest, PurchaseResult } from '@gtd/shared-contracts';
import { IsInt, Max, Min } from 'class-validator';

export class BuyRequestDto implements PurchaseRequest {
  @ApiProperty({
    example: 1,
    minimum: 1,
    description: 'Product id (positive integer).',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  productId!: number;

  @ApiProperty({
    example: 1,
    minimum: 1,
    description: 'How many to buy: 1 to the per-purchase maximum (`maxQuantityPerPurchase`, default 10).',
  })
  // No @Max here: the one upper bound is the configured MAX_QUANTITY_PER_PURCHASE, checked by
  // PurchaseService, so every quantity over it is told that limit. A fixed ceiling here would
  // answer "must not be greater than 1000" to a quantity over 1000 while the limit is 10.
  @IsInt()
  @Min(1)
  quantity!: number;
}

export class PurchaseResultDto implements PurchaseResult {
  @ApiProperty({ example: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10' })
  orderId!: string;
  @ApiProperty({ example: 1 }) productId!: number;
  @ApiProperty({ example: 1 }) quantity!: number;
  @ApiProperty({ example: 41, description: 'Left right after this purchase.' })
  remaining!: number;
}

export class OrderDto implements Order {
  @ApiProperty({ example: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10' })
  orderId!: string;
  @ApiProperty({ example: 1 }) productId!: number;
  @ApiProperty({ example: 1 }) quantity!: number;
  @ApiProperty({ example: '2026-11-25T20:00:00.000Z' }) createdAt!: string;
}
