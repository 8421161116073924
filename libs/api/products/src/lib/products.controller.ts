import { Controller, Get, Headers, MessageEvent, Param, Res, Sse } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorCode, Product } from '@gtd/shared-contracts';
import { CatalogueQueries } from '@gtd/api-inventory';
import {
  ApiPositiveIntParam,
  ApiProblems,
  ParsePositiveIntPipe,
  sendTagged,
  serverSentEvents,
} from '@gtd/api-platform';
import { Observable } from 'rxjs';
import { InventoryFeed } from './inventory-feed';
import { InventoryAnswers } from './inventory-answer';
import { PollPolicy } from './poll-policy';
import { InventoryDto, ProductDto } from './product.dto';

/**
 * Browsers revalidate every poll (`max-age=0`), which the ETag turns into a bodiless 304. A shared
 * cache (a CDN) may answer everyone from one copy for a second (`s-maxage=1`) and for two more
 * while one request refreshes it (`stale-while-revalidate=2`): however large the crowd, each edge
 * asks the origin about once a second per product. A count up to a second old is fine for a
 * display; the purchase itself decides against the store, never against a cached count.
 */
export const POLL_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';

/** What every answer of the poll carries, a 304 included. */
const POLL_HEADERS = {
  ETag: {
    required: true,
    description: 'Strong tag of this body.',
    schema: { type: 'string', pattern: '^"[^"]+"$', example: '"1-42-live-1000"' },
  },
  'Cache-Control': { required: true, schema: { type: 'string', enum: [POLL_CACHE_CONTROL] } },
};

@ApiTags('products')
@ApiExtraModels(InventoryDto)
@Controller('products')
export class ProductsController {
  constructor(
    private readonly catalogue: CatalogueQueries,
    private readonly policy: PollPolicy,
    private readonly feed: InventoryFeed,
    private readonly answers: InventoryAnswers,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The catalogue, with live available counts and each drop’s state',
    description: 'Every product, in id order, as `GET /products/{id}` answers each.',
  })
  @ApiOkResponse({ type: [ProductDto] })
  @ApiProblems(ErrorCode.ServiceUnavailable)
  list(): Promise<Product[]> {
    return this.catalogue.listProducts();
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One product',
    description: 'Its price, stock, schedule, per-buyer limit and state; `available` is read live.',
  })
  @ApiPositiveIntParam('id')
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound, ErrorCode.ServiceUnavailable)
  get(@Param('id', ParsePositiveIntPipe) id: number): Promise<Product> {
    return this.catalogue.getProduct(id);
  }

  @Get(':id/inventory')
  @ApiOperation({
    summary: 'Live count of what is left; cheap, polled by every buyer',
    description:
      'Poll again after `pollAfterMs`, sending the last `ETag` in `If-None-Match`: while nothing changed the answer is a 304 without a body. A shared cache may serve an answer for a second.',
  })
  @ApiPositiveIntParam('id')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The `ETag` of the last answer.' })
  @ApiOkResponse({ type: InventoryDto, headers: POLL_HEADERS })
  @ApiResponse({
    status: 304,
    description: 'Not modified: `If-None-Match` still names the current body.',
    headers: POLL_HEADERS,
  })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound, ErrorCode.ServiceUnavailable)
  async inventoryOf(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: object,
  ): Promise<void> {
    const live = await this.catalogue.getLiveInventory(id);
    const answer = this.answers.answer(id, live.available, live.state, this.policy.pollAfterMsOf(live));
    // The prepared bytes of this count (see InventoryAnswers), as `res.json` would write them.
    sendTagged(this.adapterHost.httpAdapter, response, answer, POLL_CACHE_CONTROL, ifNoneMatch);
  }

  @Sse(':id/inventory/stream')
  @ApiOperation({
    summary: 'Server-sent events: the live count, pushed as it changes',
    description:
      'The first event at once, then one per change, at most about four a second however fast stock sells; each event’s `data` is the same JSON as `GET /products/{id}/inventory`. A comment line every 15 s keeps idle connections open. Unknown or malformed ids are answered with a problem before the stream starts.',
  })
  @ApiPositiveIntParam('id')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An endless `text/event-stream`; each event’s `data` is an Inventory object.',
    content: {
      'text/event-stream': {
        schema: { type: 'string', description: `data: ${getSchemaPath(InventoryDto)} as JSON` },
        example: 'id: 1\ndata: {"productId":1,"available":42,"state":"live","pollAfterMs":1000}\n\n',
      },
    },
  })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound, ErrorCode.ServiceUnavailable)
  async stream(@Param('id', ParsePositiveIntPipe) id: number): Promise<Observable<MessageEvent>> {
    // Read once before the stream starts, so an unknown id is a 404 problem, not an empty stream.
    await this.catalogue.getLiveInventory(id);
    return serverSentEvents(this.feed.watch(id), (live) => this.policy.inventoryAnswer(live));
  }
}
