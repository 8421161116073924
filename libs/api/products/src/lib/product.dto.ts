import { ApiProperty } from '@nestjs/swagger';
import { Inventory, Product } from '@gtd/shared-contracts';

export class ProductDto implements Product {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'Golden Ticket' }) name!: string;
  @ApiProperty({
    example: 'A tour of the chocolate factory for one lucky holder.',
  })
  description!: string;
  @ApiProperty({
    example: 5000,
    description: 'Price in the minor unit of `currency` (5000 EUR = €50.00).',
  })
  price!: number;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency code.' })
  currency!: string;
  @ApiProperty({ example: 100, description: 'Stock the drop started with.' })
  stock!: number;
  @ApiProperty({ example: 42, description: 'Left right now.' })
  available!: number;
  @ApiProperty({
    example: 10,
    description: 'The most one purchase may ask for.',
  })
  maxQuantityPerPurchase!: number;
}

export class InventoryDto implements Inventory {
  @ApiProperty({ example: 1 }) productId!: number;
  @ApiProperty({ example: 42 }) available!: number;
}
