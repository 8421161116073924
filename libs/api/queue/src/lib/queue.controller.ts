import { Body, Controller, Get, Headers, HttpStatus, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  ErrorCode,
  QUEUE_TICKET_HEADER,
  QueueChallenge,
  QueuePass,
  QueueTicket,
} from '@gtd/shared-contracts';
import { ApiOptionalBuyer, BuyerAwareRequest, OptionalBuyerGuard } from '@gtd/api-buyers';
import { ifNoneMatchMatches } from '@gtd/api-products';
import {
  ApiPositiveIntParam,
  ApiProblems,
  JSON_CONTENT_TYPE,
  ParsePositiveIntPipe,
  sendBytes,
  sendJson,
} from '@gtd/api-platform';
import { JoinThrottlerGuard } from './join-throttler.guard';
import { QueueChallengeDto, QueueJoinDto, QueuePassDto, QueueStatusDto, QueueTicketDto } from './queue.dto';
import { QueueService } from './queue.service';
import { QueueStatusBoard } from './queue-status-board';

/**
 * One answer for the whole crowd: browsers revalidate (a 304 while nothing moved), a shared cache
 * (the edge) answers everyone from one copy for a second and for two more while it refreshes.
 */
export const QUEUE_STATUS_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';
/** Per-visitor answers carry a ticket or pass: never stored by a shared cache. */
const PRIVATE = 'private, no-store';

const TICKET_HEADER_DOC = {
  name: QUEUE_TICKET_HEADER,
  required: true,
  description: 'The `ticket` of the join.',
};

@ApiTags('queue')
@Controller('products/:id/queue')
export class QueueController {
  constructor(
    private readonly queue: QueueService,
    private readonly board: QueueStatusBoard,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The waiting room’s status: the same answer for every visitor',
    description:
      'How far admission has reached, how many wait, what is left. A visitor who knows its position computes "people ahead" (position − admittedThrough − 1) and the wait (÷ admissionsPerMinute) from this alone, so waiting costs nothing per visitor. Revalidate with `If-None-Match`; an edge may serve it for a second.',
  })
  @ApiPositiveIntParam('id')
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: QueueStatusDto })
  @ApiResponse({ status: 304, description: 'Not modified since the `ETag` sent.' })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.ProductNotFound,
    ErrorCode.QueueNotEnabled,
    ErrorCode.ServiceUnavailable,
  )
  async status(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: object,
  ): Promise<void> {
    const { etag, body } = await this.board.answer(id);
    const http = this.adapterHost.httpAdapter;
    http.setHeader(response, 'ETag', etag);
    http.setHeader(response, 'Cache-Control', QUEUE_STATUS_CACHE_CONTROL);
    if (ifNoneMatchMatches(ifNoneMatch, etag)) {
      http.reply(response, undefined, 304);
      return;
    }
    http.setHeader(response, 'Content-Type', JSON_CONTENT_TYPE);
    sendBytes(http, response, 200, body);
  }

  @Get('challenge')
  @ApiOperation({
    summary: 'A proof-of-work challenge to solve before joining (ALTCHA)',
    description: 'Only for drops whose queue asks for one (`proofOfWork: true` in the status). Spent once.',
  })
  @ApiPositiveIntParam('id')
  @ApiOkResponse({ type: QueueChallengeDto })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.ProductNotFound,
    ErrorCode.QueueNotEnabled,
    ErrorCode.ServiceUnavailable,
  )
  async challenge(@Param('id', ParsePositiveIntPipe) id: number, @Res() response: object): Promise<void> {
    const challenge: QueueChallenge = await this.queue.challenge(id);
    this.sendPrivate(response, HttpStatus.OK, challenge);
  }

  @Post()
  @UseGuards(OptionalBuyerGuard, JoinThrottlerGuard)
  @ApiOperation({
    summary: 'Join the waiting room: a signed ticket',
    description:
      'Before the opening, a place in the pre-queue, whose order is drawn (shuffled) at the opening; after it, the next place in line. A signed-in buyer joining again gets the ticket already held (200). Anonymous joins are limited per client address.',
  })
  @ApiOptionalBuyer()
  @ApiPositiveIntParam('id')
  @ApiBody({ type: QueueJoinDto, required: false })
  @ApiCreatedResponse({ type: QueueTicketDto, description: 'Joined.' })
  @ApiOkResponse({ type: QueueTicketDto, description: 'This buyer had joined before: the same ticket.' })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.MalformedJson,
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
    ErrorCode.ProductNotFound,
    ErrorCode.QueueNotEnabled,
    ErrorCode.QueueClosed,
    ErrorCode.AuthRequired,
    ErrorCode.Unauthorized,
    ErrorCode.ProofOfWorkRequired,
    ErrorCode.ProofOfWorkInvalid,
    ErrorCode.RateLimited,
    ErrorCode.ServiceUnavailable,
  )
  async join(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Body() body: QueueJoinDto,
    @Req() request: BuyerAwareRequest,
    @Res() response: object,
  ): Promise<void> {
    const { ticket, existing } = await this.queue.join(id, request.buyer?.id ?? null, body?.proof);
    this.sendPrivate(response, existing ? HttpStatus.OK : HttpStatus.CREATED, ticket);
  }

  @Get('position')
  @ApiOperation({
    summary: 'My place in line (ask once it is drawn)',
    description:
      '`position` is `null` until the pre-queue is drawn at the opening; ask again after `pollAfterMs` then.',
  })
  @ApiPositiveIntParam('id')
  @ApiHeader(TICKET_HEADER_DOC)
  @ApiOkResponse({ type: QueueTicketDto })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.ProductNotFound,
    ErrorCode.QueueNotEnabled,
    ErrorCode.QueueTicketInvalid,
    ErrorCode.ServiceUnavailable,
  )
  async position(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Headers('queue-ticket') ticket: string | undefined,
    @Res() response: object,
  ): Promise<void> {
    const answer: QueueTicket = await this.queue.position(id, ticket);
    this.sendPrivate(response, HttpStatus.OK, answer);
  }

  @Post('pass')
  @UseGuards(OptionalBuyerGuard)
  @ApiOperation({
    summary: 'My turn: exchange the ticket for a pass',
    description:
      'Once admission has reached the ticket’s position. The pass lasts `passLifetimeSeconds` from the admission and is sent as `Queue-Pass` with `POST /buy`; asking again gives the same expiry.',
  })
  @ApiOptionalBuyer()
  @ApiPositiveIntParam('id')
  @ApiHeader(TICKET_HEADER_DOC)
  @ApiCreatedResponse({ type: QueuePassDto })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.ProductNotFound,
    ErrorCode.QueueNotEnabled,
    ErrorCode.QueueTicketInvalid,
    ErrorCode.QueueNotYourTurn,
    ErrorCode.QueuePassExpired,
    ErrorCode.Unauthorized,
    ErrorCode.ServiceUnavailable,
  )
  async pass(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Headers('queue-ticket') ticket: string | undefined,
    @Req() request: BuyerAwareRequest,
    @Res() response: object,
  ): Promise<void> {
    const pass: QueuePass = await this.queue.pass(id, ticket, request.buyer?.id ?? null);
    this.sendPrivate(response, HttpStatus.CREATED, pass);
  }

  private sendPrivate(response: object, status: number, body: unknown): void {
    this.adapterHost.httpAdapter.setHeader(response, 'Cache-Control', PRIVATE);
    sendJson(this.adapterHost.httpAdapter, response, status, body);
  }
}
