import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode, Inventory, Product } from '@gtd/shared-contracts';
import { InventoryService } from '@gtd/api-inventory';
import { ApiProblems, ParsePositiveIntPipe } from '@gtd/api-platform';
import { InventoryDto, ProductDto } from './product.dto';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  @ApiOperation({ summary: 'The catalogue, with live available counts' })
  @ApiOkResponse({ type: [ProductDto] })
  list(): Promise<Product[]> {
    return this.inventory.listProducts();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One product' })
  @ApiParam({ name: 'id', type: Number, example: 1 })
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  get(@Param('id', ParsePositiveIntPipe) id: number): Promise<Product> {
    return this.inventory.getProduct(id);
  }

  @Get(':id/inventory')
  @ApiOperation({
    summary: 'Live count of what is left; cheap, polled by every buyer',
  })
  @ApiParam({ name: 'id', type: Number, example: 1 })
  @ApiOkResponse({ type: InventoryDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  inventoryOf(@Param('id', ParsePositiveIntPipe) id: number): Promise<Inventory> {
    return this.inventory.getInventory(id);
  }
}
