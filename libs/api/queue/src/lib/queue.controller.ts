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
import {
  ApiPositiveIntParam,
  ApiProblems,
  ParsePositiveIntPipe,
  sendJson,
  sendTagged,
} from '@gtd/api-platform';
import { JoinThrottlerGuard } from './join-throttler.guard';
import {
  QueueChallengeDto,
  QueueJoinDto,
  QueueOrderBlockDto,
  QueuePassDto,
  QueueStatusDto,
  QueueTicketDto,
} from './queue.dto';
import { QueueService } from './queue.service';
import { QueueStatusBoard } from './queue-status-board';

/**
 * One answer for the whole crowd: browsers revalidate (a 304 while nothing moved), a shared cache
 * (the edge) answers everyone from one copy for a second and for two more while it refreshes.
 */
export const QUEUE_STATUS_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';
/** A drawn order never changes: any cache may keep a block of it for good. */
const QUEUE_ORDER_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Per-visitor answers carry a ticket or pass: never stored by a shared cache. */
const PRIVATE = 'private, no-store';

/** The problems of every queue route (a bad or unknown id, no queue, a store down), plus the route's own. */
const QueueProblems = (...codes: ErrorCode[]) =>
  ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.ProductNotFound,
    ErrorCode.QueueNotEnabled,
    ...codes,
    ErrorCode.ServiceUnavailable,
  );

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
  @QueueProblems()
  async status(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: object,
  ): Promise<void> {
    const answer = await this.board.answer(id);
    sendTagged(this.adapterHost.httpAdapter, response, answer, QUEUE_STATUS_CACHE_CONTROL, ifNoneMatch);
  }

  @Get('challenge')
  @ApiOperation({
    summary: 'A proof-of-work challenge to solve before joining (ALTCHA)',
    description: 'Only for drops whose queue asks for one (`proofOfWork: true` in the status). Spent once.',
  })
  @ApiPositiveIntParam('id')
  @ApiOkResponse({ type: QueueChallengeDto })
  @QueueProblems()
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
  @QueueProblems(
    ErrorCode.MalformedJson,
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
    ErrorCode.QueueClosed,
    ErrorCode.AuthRequired,
    ErrorCode.Unauthorized,
    ErrorCode.ProofOfWorkRequired,
    ErrorCode.ProofOfWorkInvalid,
    ErrorCode.RateLimited,
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
  @QueueProblems(ErrorCode.QueueTicketInvalid)
  async position(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Headers('queue-ticket') ticket: string | undefined,
    @Res() response: object,
  ): Promise<void> {
    const answer: QueueTicket = await this.queue.position(id, ticket);
    this.sendPrivate(response, HttpStatus.OK, answer);
  }

  @Get('order/:block')
  @ApiOperation({
    summary: 'Where a block of pre-queue tickets stands, once drawn: the same answer for everyone',
    description:
      'Block `b` holds the places of pre-queue tickets `(b − 1) × 1000 + 1` … `b × 1000` (a ticket’s `number` says which block). It never changes once drawn, so an edge keeps it for good: a crowd learning its places at the opening costs the origin one request per block. Before the draw: 409 `QUEUE_NOT_DRAWN`.',
  })
  @ApiPositiveIntParam('id')
  @ApiPositiveIntParam('block')
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: QueueOrderBlockDto })
  @ApiResponse({ status: 304, description: 'Not modified since the `ETag` sent.' })
  @QueueProblems(ErrorCode.QueueNotDrawn)
  async orderBlock(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Param('block', ParsePositiveIntPipe) block: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: object,
  ): Promise<void> {
    const answer = await this.queue.orderBlock(id, block);
    sendTagged(this.adapterHost.httpAdapter, response, answer, QUEUE_ORDER_CACHE_CONTROL, ifNoneMatch);
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
  @QueueProblems(
    ErrorCode.QueueTicketInvalid,
    ErrorCode.QueueNotYourTurn,
    ErrorCode.QueuePassExpired,
    ErrorCode.Unauthorized,
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
