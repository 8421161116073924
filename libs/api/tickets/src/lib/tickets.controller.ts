import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode, OrderTicket, TicketKeySet } from '@gtd/shared-contracts';
import { ApiProblems, ParseUuidPipe } from '@gtd/api-platform';
import { OrderTicketDto, TicketKeySetDto } from './tickets.dto';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@Controller()
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get('orders/:orderId/ticket')
  @ApiOperation({
    summary: 'The ticket of a confirmed order: a signed token to show as a QR code at the door',
    description:
      'Like the order itself, it is reachable by whoever holds the order id. It admits once (`POST /admin/check-ins`); a cancelled order has none (409 `TICKET_REVOKED`).',
  })
  @ApiParam({ name: 'orderId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: OrderTicketDto })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.OrderNotFound,
    ErrorCode.TicketRevoked,
    ErrorCode.ServiceUnavailable,
  )
  // A ticket is a bearer credential: no shared cache may keep it.
  @Header('Cache-Control', 'private, no-store')
  ticket(@Param('orderId', ParseUuidPipe) orderId: string): Promise<OrderTicket> {
    return this.tickets.ticketOf(orderId);
  }

  @Get('tickets/keys')
  @ApiOperation({
    summary: 'The public keys tickets are signed with (a JWK Set)',
    description: 'For door apps that verify tickets offline (Ed25519, `alg: EdDSA`, RFC 8037).',
  })
  @ApiOkResponse({ type: TicketKeySetDto })
  @Header('Cache-Control', 'public, max-age=3600')
  keys(): TicketKeySet {
    return this.tickets.keys();
  }
}
