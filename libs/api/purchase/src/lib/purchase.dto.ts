import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MyOrder,
  MyOrdersPage,
  Order,
  ORDER_STATUSES,
  OrderStatus,
  PurchaseRequest,
  PurchaseResult,
} from '@gtd/shared-contracts';
import { MY_ORDERS_PAGE, ORDER_CURSOR_SYNTAX } from '@gtd/api-inventory';
import { CURRENCY_PATTERN, queryInt } from '@gtd/api-platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

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
  @ApiProperty({ type: 'integer', minimum: 1, example: 2 }) quantity!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 5000,
    description:
      'Minor units of `currency` one unit sold at, recorded with the sale: a later price change leaves it.',
  })
  unitPrice!: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN }) currency!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 10000, description: '`unitPrice` × `quantity`.' })
  total!: number;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T20:00:00.000Z' }) createdAt!: string;
  @ApiProperty({
    enum: ORDER_STATUSES,
    example: 'sold',
    description: '`cancelled` once the operator cancelled the order: it no longer admits anyone.',
  })
  status!: OrderStatus;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the operator cancelled the order; `null` while sold.',
  })
  cancelledAt!: string | null;
}

export class MyOrderDto extends OrderDto implements MyOrder {
  @ApiProperty({ example: 'Golden Ticket', description: "The product's name now (a rename shows here)." })
  productName!: string;
}

export class MyOrdersPageDto implements MyOrdersPage {
  @ApiProperty({ type: [MyOrderDto], description: 'Oldest first; only the signed-in buyer’s own orders.' })
  items!: MyOrder[];
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: ORDER_CURSOR_SYNTAX.pattern,
    description: 'Opaque (base64url); pass it as `after` unchanged. `null` on the last page.',
  })
  nextCursor!: string | null;
}

export class MyOrdersQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MY_ORDERS_PAGE.maxLimit,
    default: MY_ORDERS_PAGE.defaultLimit,
  })
  @IsOptional()
  @Transform(queryInt)
  @IsInt()
  @Min(1)
  @Max(MY_ORDERS_PAGE.maxLimit)
  limit?: number;

  @ApiPropertyOptional({
    description:
      "The previous page's `nextCursor`, passed back unchanged (opaque base64url); anything else is 400 VALIDATION_FAILED.",
    minLength: 1,
    ...ORDER_CURSOR_SYNTAX,
  })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  after?: string;
}
