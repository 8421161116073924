import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Buyer, ErrorCode, MyOrdersPage } from '@gtd/shared-contracts';
import { BuyerOrders, MY_ORDERS_PAGE } from '@gtd/api-inventory';
import { ApiBuyer, BuyerGuard, SignedInBuyer } from '@gtd/api-buyers';
import { ApiProblems, QueryPipe } from '@gtd/api-platform';
import { MyOrdersPageDto, MyOrdersQueryDto } from './purchase.dto';

/** The signed-in buyer's own orders: whose they are comes from the token, never from the request. */
@ApiTags('purchase')
@Controller('me')
export class MyOrdersController {
  constructor(private readonly orders: BuyerOrders) {}

  @Get('orders')
  @UseGuards(BuyerGuard)
  // One buyer's receipts: no shared cache may keep them.
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({
    summary: 'My orders, oldest first, a page at a time',
    description:
      'Only the signed-in buyer’s own orders, each with the unit price and currency it sold at (a later ' +
      'price change leaves them) and its total. Pass `nextCursor` back as `after` for the next page, until ' +
      'it is `null`.',
  })
  @ApiBuyer()
  @ApiOkResponse({
    type: MyOrdersPageDto,
    headers: { 'Cache-Control': { required: true, schema: { type: 'string', enum: ['private, no-store'] } } },
  })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.AuthRequired,
    ErrorCode.Unauthorized,
    ErrorCode.ServiceUnavailable,
  )
  list(@SignedInBuyer() buyer: Buyer, @Query(QueryPipe) query: MyOrdersQueryDto): Promise<MyOrdersPage> {
    return this.orders.page(buyer.id, query.limit ?? MY_ORDERS_PAGE.defaultLimit, query.after ?? null);
  }
}
