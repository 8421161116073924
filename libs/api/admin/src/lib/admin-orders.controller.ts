import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ErrorCode, OrderCancellation } from '@gtd/shared-contracts';
import { ApiProblems, ParseUuidPipe } from '@gtd/api-platform';
import { OperatorApi } from './admin-token.guard';
import { OrderCancellationDto } from './admin-orders.dto';
import { Actor } from './operator-route';
import { OrderAdministration } from './order-administration';

/** The operator's routes on one order (bearer ADMIN_TOKEN); every change is audited. */
@OperatorApi()
@Controller('admin/orders')
export class AdminOrdersController {
  constructor(private readonly orders: OrderAdministration) {}

  @Post(':orderId/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Cancel an order: its units go back on sale and its buyer's total down, in one atomic step",
    description:
      'In every store, atomic with purchases: of any number of concurrent cancels of one order exactly one answers 200; ' +
      'a later one answers 409 `ORDER_ALREADY_CANCELLED` with `cancelledAt` and changes nothing. Works while the drop is ' +
      'paused or over. The order stays listed (status `cancelled`), its ticket no longer admits (`TICKET_REVOKED`), and ' +
      'the audit log records `order.cancel` with the available units before and after. A 503 says in `cancel` whether ' +
      'it was certainly not made (`NOT_MADE`) or may have been (`UNKNOWN`: look the order up).',
  })
  @ApiParam({ name: 'orderId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: OrderCancellationDto, description: 'Cancelled now.' })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.OrderNotFound,
    ErrorCode.OrderAlreadyCancelled,
    ErrorCode.ServiceUnavailable,
  )
  cancel(
    @Param('orderId', ParseUuidPipe) orderId: string,
    @Actor() actor: string,
  ): Promise<OrderCancellation> {
    return this.orders.cancel(orderId, actor);
  }
}
