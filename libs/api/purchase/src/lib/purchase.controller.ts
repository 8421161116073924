import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorCode, Order, PurchaseResult, QUEUE_PASS_HEADER } from '@gtd/shared-contracts';
import { CatalogueQueries, PurchaseService } from '@gtd/api-inventory';
import { ApiOptionalBuyer, BuyerAwareRequest, OptionalBuyerGuard } from '@gtd/api-buyers';
import { QueuePassGate } from '@gtd/api-queue';
import {
  ApiProblems,
  preparedProblemAnswer,
  sendJson,
  ParseUuidPipe,
  sendProblemAnswer,
} from '@gtd/api-platform';
import { BuyThrottlerGuard } from './buy-throttler.guard';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, IdempotencyKey } from './idempotency-key';
import { BuyRequestDto, OrderDto, PurchaseResultDto } from './purchase.dto';

const passOf = (request: BuyerAwareRequest): string | undefined => {
  const header = request.headers['queue-pass'];
  return typeof header === 'string' ? header : undefined;
};

@ApiTags('purchase')
@Controller()
export class PurchaseController {
  constructor(
    private readonly purchases: PurchaseService,
    private readonly catalogue: CatalogueQueries,
    private readonly adapterHost: HttpAdapterHost,
    private readonly queue: QueuePassGate,
  ) {}

  @Post('buy')
  @HttpCode(HttpStatus.CREATED)
  // The buyer first: the rate limit counts per signed-in buyer, else per client address.
  @UseGuards(OptionalBuyerGuard, BuyThrottlerGuard)
  @ApiOperation({
    summary: 'Buy atomically: all of the quantity or nothing',
    description:
      'Schedule, pause, per-buyer limit, stock check, decrement and order are one atomic step in every ' +
      'store, so concurrent buyers never oversell and one buyer never exceeds the limit. Anonymous unless ' +
      'a buyer token is sent; drops with a `perBuyerLimit` require one. With an `Idempotency-Key`, a retry ' +
      '(same key and body) answers the first success again, with `Idempotent-Replayed: true`, and sells ' +
      'nothing more. Rate limited to BUY_RATE_LIMIT attempts a minute per buyer (or client address). ' +
      'A drop with a waiting room sells only with its `Queue-Pass` (checked before the store is touched).',
  })
  @ApiOptionalBuyer()
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      '1–255 printable ASCII characters, unique per purchase attempt (e.g. a UUID); reuse it when retrying. ' +
      'Kept at least 24 h, scoped to the signed-in buyer, or to the client address when anonymous. ' +
      'After a 503 with `purchase: UNKNOWN`, retry with the same key: the answer is the first sale, never a second.',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: '3f2c9a1e-8d4b-4a6f-b1c2-7e9d0a5b6c4d' },
  })
  @ApiHeader({
    name: QUEUE_PASS_HEADER,
    required: false,
    description:
      'For a drop with a waiting room: the `pass` of `POST /products/{id}/queue/pass`. Lets its buyer buy ' +
      'until it expires; a pass without a signed-in buyer buys once.',
  })
  @ApiBody({ type: BuyRequestDto })
  @ApiCreatedResponse({
    type: PurchaseResultDto,
    description: 'Bought; the order is stored. A replayed answer carries `Idempotent-Replayed: true`.',
    headers: {
      [IDEMPOTENT_REPLAYED_HEADER]: {
        description: '`true` when this is the stored answer to an earlier request with the same key.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiProblems(
    ErrorCode.ValidationFailed,
    ErrorCode.MalformedJson,
    ErrorCode.AuthRequired,
    ErrorCode.Unauthorized,
    ErrorCode.ProductNotFound,
    ErrorCode.SoldOut,
    ErrorCode.InsufficientStock,
    ErrorCode.NotStarted,
    ErrorCode.Ended,
    ErrorCode.Paused,
    ErrorCode.LimitReached,
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
    ErrorCode.IdempotencyKeyMismatch,
    ErrorCode.RateLimited,
    ErrorCode.QueuePassRequired,
    ErrorCode.QueuePassExpired,
    ErrorCode.QueuePassInvalid,
    ErrorCode.QueuePassUsed,
    ErrorCode.ServiceUnavailable,
  )
  async buy(
    @Body() request: BuyRequestDto,
    @IdempotencyKey() idempotencyKey: string | null,
    // The buyer and the address straight from the request, not as decorated parameters: each of
    // those is a few promises of Nest's parameter pipeline per purchase, and the address (proxy
    // headers parsed) is needed only when a key is sent.
    @Req() httpRequest: BuyerAwareRequest & { ip?: string },
    @Res() response: object,
  ): Promise<void> {
    // Named by OptionalBuyerGuard, which runs before the handler.
    const buyerId = httpRequest.buyer?.id ?? null;
    // Drops without a waiting room pay one map lookup here, no promise.
    const admitted = this.queue.requiresPass(request.productId)
      ? await this.queue.admit(request.productId, passOf(httpRequest), buyerId, idempotencyKey)
      : undefined;
    const attempt = this.purchases.decide({
      productId: request.productId,
      quantity: request.quantity,
      buyerId,
      idempotencyKey,
      // The address the buy rate limit counts (TRUST_PROXY applied): it scopes anonymous keys.
      clientAddress: idempotencyKey === null ? null : (httpRequest.ip ?? null),
    });
    const decision = admitted ? await this.queue.settleWith(admitted, attempt) : await attempt;
    const http = this.adapterHost.httpAdapter;
    if (!decision.ok) {
      // The refusal of a product state is one shared object, answered from its prepared bytes: no
      // exception, no problem object, no serialisation per request (what the filter would send).
      const instance = String(http.getRequestUrl(httpRequest));
      sendProblemAnswer(http, response, preparedProblemAnswer(decision.refusal, instance));
      return;
    }
    const { receipt } = decision;
    if (receipt.replayed) http.setHeader(response, IDEMPOTENT_REPLAYED_HEADER, 'true');
    // Built field by field: an object rest (`{ replayed, ...result }`) is a slow runtime copy.
    const result: PurchaseResult = {
      orderId: receipt.orderId,
      productId: receipt.productId,
      quantity: receipt.quantity,
      remaining: receipt.remaining,
    };
    sendJson(http, response, HttpStatus.CREATED, result);
  }

  @Get('orders/:orderId')
  @ApiOperation({
    summary: 'A confirmed order',
    description:
      'Whichever worker sold it; the way to learn the outcome of a purchase whose answer was lost.',
  })
  @ApiParam({ name: 'orderId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.OrderNotFound, ErrorCode.ServiceUnavailable)
  order(@Param('orderId', ParseUuidPipe) orderId: string): Promise<Order> {
    return this.catalogue.getOrder(orderId);
  }
}
