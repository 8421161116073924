import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode, Order, PurchaseResult } from '@gtd/shared-contracts';
import { InventoryService } from '@gtd/api-inventory';
import { ApiProblems, validationFailed } from '@gtd/api-platform';
import { BuyRequestDto, OrderDto, PurchaseResultDto } from './purchase.dto';

const parseOrderId = new ParseUUIDPipe({
  exceptionFactory: () => validationFailed([{ field: 'orderId', messages: ['orderId must be a UUID'] }]),
});

@ApiTags('purchase')
@Controller()
export class PurchaseController {
  constructor(private readonly inventory: InventoryService) {}

  @Post('buy')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Buy atomically: all of the quantity or nothing',
    description:
      'Check, decrement and order are one atomic step in every store, so concurrent buyers never oversell.',
  })
  @ApiBody({ type: BuyRequestDto })
  @ApiCreatedResponse({
    type: PurchaseResultDto,
    description: 'Bought; the order is stored.',
  })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.MalformedJson,
    ErrorCode.ProductNotFound,
    ErrorCode.SoldOut,
    ErrorCode.InsufficientStock,
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
  )
  buy(@Body() request: BuyRequestDto): Promise<PurchaseResult> {
    return this.inventory.purchase(request.productId, request.quantity);
  }

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'A confirmed order' })
  @ApiParam({ name: 'orderId', format: 'uuid' })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.OrderNotFound)
  order(@Param('orderId', parseOrderId) orderId: string): Promise<Order> {
    return this.inventory.getOrder(orderId);
  }
}
