import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AdminOrder,
  ORDER_STATUSES,
  OrderCancellation,
  OrderStatus,
  OrdersPage,
} from '@gtd/shared-contracts';
import { CURRENCY_PATTERN, queryInt } from '@gtd/api-platform';
import { ORDER_CURSOR_SYNTAX } from '@gtd/api-inventory';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './admin.dto';

/** The operator's orders: a page of them, the query that pages, and a cancel's answer. */

export class OrdersQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(queryInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description:
      "The previous page's `nextCursor`, passed back unchanged: an opaque base64url string (the last order's " +
      '`createdAt|orderId`); anything else is 400 VALIDATION_FAILED.',
    minLength: 1,
    ...ORDER_CURSOR_SYNTAX,
  })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  after?: string;
}

export class AdminOrderDto implements AdminOrder {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) productId!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) quantity!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 5000,
    description: 'Minor units of `currency` one unit sold at; a later price change leaves it.',
  })
  unitPrice!: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN }) currency!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 5000, description: '`unitPrice` × `quantity`.' })
  total!: number;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T20:00:00.120Z' }) createdAt!: string;
  @ApiProperty({
    enum: ORDER_STATUSES,
    example: 'sold',
    description: '`cancelled` once the operator cancelled it: its units went back on sale.',
  })
  status!: OrderStatus;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the operator cancelled it; `null` while sold.',
  })
  cancelledAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: '`null`: anonymous.' })
  buyerId!: string | null;
}

export class OrderCancellationDto implements OrderCancellation {
  @ApiProperty({ type: () => AdminOrderDto, description: 'The order, now `cancelled`.' })
  order!: AdminOrderDto;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 3,
    description: "The product's available units right after the cancel put this order's units back.",
  })
  available!: number;
}

export class OrdersPageDto implements OrdersPage {
  @ApiProperty({ type: [AdminOrderDto], description: 'Oldest first.' }) items!: AdminOrder[];
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: ORDER_CURSOR_SYNTAX.pattern,
    description: 'Opaque (base64url); pass it as `after` unchanged. `null` on the last page.',
  })
  nextCursor!: string | null;
}
