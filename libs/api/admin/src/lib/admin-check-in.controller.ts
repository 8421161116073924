import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CheckIn, ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems, BODY_PROBLEMS } from '@gtd/api-platform';
import { CheckInDto, CheckInRequestDto, TicketsService } from '@gtd/api-tickets';
import { OperatorApi } from './admin-token.guard';

/**
 * The door (bearer ADMIN_TOKEN): a scanned ticket admits once. Not in the audit log, which holds
 * the operator's changes to drops: the check-in row itself records when and which scanner.
 */
@OperatorApi()
@Controller('admin/check-ins')
export class AdminCheckInController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Check a ticket in at the door: the first scan admits, every later one is refused',
    description:
      'Atomic across every instance and scanner: of any number of scans of one ticket, exactly one answers 200. A later scan answers 409 `ALREADY_CHECKED_IN` with when and by which scanner; the ticket of an order the operator cancelled answers 409 `TICKET_REVOKED` with `cancelledAt`; a token that is not a ticket of this system answers 400 `TICKET_INVALID`.',
  })
  @ApiBody({ type: CheckInRequestDto })
  @ApiOkResponse({ type: CheckInDto, description: 'Admitted now.' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.TicketInvalid, ErrorCode.AlreadyCheckedIn, ErrorCode.TicketRevoked)
  checkIn(@Body() request: CheckInRequestDto): Promise<CheckIn> {
    return this.tickets.checkIn(request.ticket, request.scanner);
  }
}
