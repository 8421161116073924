import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  MessageEvent,
  Patch,
  Post,
  Query,
  Sse,
  StreamableFile,
} from '@nestjs/common';
import { Readable } from 'node:stream';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  getSchemaPath,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { HealthCheckResult } from '@nestjs/terminus';
import { AdminProduct, AuditEntry, DropSummary, ErrorCode, OrdersPage } from '@gtd/shared-contracts';
import {
  ApiPositiveIntParam,
  ApiProblems,
  BODY_PROBLEMS,
  QueryPipe,
  serverSentEvents,
} from '@gtd/api-platform';
import { HealthReport, HealthRoute } from '@gtd/api-operations';
import { OperatorApi } from './admin-token.guard';
import {
  AdminProductDto,
  AuditEntryDto,
  AuditQueryDto,
  CreateDropDto,
  DropSummaryDto,
  RestockDto,
  UpdateDropDto,
} from './admin.dto';
import { OrdersPageDto, OrdersQueryDto } from './admin-orders.dto';
import { DropAdministration } from './drop-administration';
import { Actor, ProductId, ProductRoute } from './operator-route';
import { SummaryFeed } from './summary-feed';
import { ordersCsvHeader, ordersCsvRow } from './orders-csv';

const ORDERS_CSV_EXAMPLE =
  'orderId,productId,quantity,unitPrice,currency,total,buyerId,createdAt,status,cancelledAt\r\n' +
  '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10,1,2,5000,EUR,10000,,2026-11-25T20:00:00.120Z,sold,\r\n';

/**
 * The operator API. Every route needs `Authorization: Bearer <ADMIN_TOKEN>`; every change is
 * validated like the public API and, once it succeeded, written to the audit log.
 */
@OperatorApi()
@ApiExtraModels(DropSummaryDto)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly drops: DropAdministration,
    private readonly health: HealthReport,
    private readonly summaries: SummaryFeed,
  ) {}

  /** The detailed readiness answer (pid, file, pool, backlog, errors); the public GET /health says only up or down. */
  @HealthRoute('operator', 'health')
  checkHealth(): Promise<HealthCheckResult> {
    return this.health.check('operator');
  }

  @Post('products')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create a drop: a product with its stock, schedule and per-buyer limit',
    description: 'The product gets the id after the highest one; the audit log records it.',
  })
  @ApiBody({ type: CreateDropDto })
  @ApiCreatedResponse({ type: AdminProductDto })
  @ApiProblems(...BODY_PROBLEMS)
  create(@Body() request: CreateDropDto, @Actor() actor: string): Promise<AdminProduct> {
    return this.drops.create(request, actor);
  }

  @Get('products')
  @ApiOperation({
    summary: 'Every product, with its pause flag and state',
    description: 'In id order, with what has been put on sale (`stock`) and what is left.',
  })
  @ApiOkResponse({ type: [AdminProductDto] })
  list(): Promise<AdminProduct[]> {
    return this.drops.listProducts();
  }

  @Get('products/:id')
  @ProductRoute(
    { summary: 'One product as the operator sees it', description: 'As in the list, with its pause flag.' },
    AdminProductDto,
  )
  get(@ProductId() id: number): Promise<AdminProduct> {
    return this.drops.getProduct(id);
  }

  @Patch('products/:id')
  @ProductRoute(
    {
      summary: 'Change a drop: any subset of its fields',
      description: 'Stock changes go through restock. `null` clears `startsAt`, `endsAt` or `perBuyerLimit`.',
    },
    AdminProductDto,
    UpdateDropDto,
  )
  update(
    @ProductId() id: number,
    @Body() request: UpdateDropDto,
    @Actor() actor: string,
  ): Promise<AdminProduct> {
    return this.drops.update(id, request, actor);
  }

  @Post('products/:id/restock')
  @HttpCode(HttpStatus.OK)
  @ProductRoute(
    {
      summary: 'Restock: add units, or set what is available',
      description: 'Atomic with purchases. The audit entry records the stock before and after.',
    },
    AdminProductDto,
    RestockDto,
  )
  restock(
    @ProductId() id: number,
    @Body() request: RestockDto,
    @Actor() actor: string,
  ): Promise<AdminProduct> {
    return this.drops.restock(id, request, actor);
  }

  @Post('products/:id/pause')
  @HttpCode(HttpStatus.OK)
  @ProductRoute(
    {
      summary: 'Pause a drop: purchases get 409 PAUSED until it resumes',
      description: 'Sets the drop’s pause flag; the audit log records it.',
    },
    AdminProductDto,
  )
  pause(@ProductId() id: number, @Actor() actor: string): Promise<AdminProduct> {
    return this.drops.pause(id, actor);
  }

  @Post('products/:id/resume')
  @HttpCode(HttpStatus.OK)
  @ProductRoute(
    {
      summary: 'Resume a paused drop',
      description: 'Clears the drop’s pause flag; the audit log records it.',
    },
    AdminProductDto,
  )
  resume(@ProductId() id: number, @Actor() actor: string): Promise<AdminProduct> {
    return this.drops.resume(id, actor);
  }

  @Get('products/:id/orders')
  @ProductRoute(
    {
      summary: "A drop's orders, oldest first, a page at a time",
      description: 'Pass `nextCursor` back as `after` for the next page, until it is `null`.',
    },
    OrdersPageDto,
  )
  orders(@ProductId() id: number, @Query(QueryPipe) query: OrdersQueryDto): Promise<OrdersPage> {
    return this.drops.orders(id, query);
  }

  @Get('products/:id/orders/export')
  @ApiOperation({
    summary: "A drop's orders as CSV, every one, oldest first",
    description:
      'Columns as the orders page names them (`orderId,productId,quantity,unitPrice,currency,total,buyerId,createdAt,status,cancelledAt`), RFC 4180, streamed a page at a time: orders sold during the export are included, none twice.',
  })
  @ApiPositiveIntParam('id')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'A header row, then one row per order.',
    content: { 'text/csv': { schema: { type: 'string' }, example: ORDERS_CSV_EXAMPLE } },
  })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  async exportOrders(@ProductId() id: number): Promise<StreamableFile> {
    const pages = await this.drops.exportOrders(id);
    const rows = (async function* csv() {
      yield ordersCsvHeader();
      for await (const page of pages) yield page.map(ordersCsvRow).join('');
    })();
    return new StreamableFile(Readable.from(rows), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="drop-${id}-orders.csv"`,
    });
  }

  @Get('products/:id/summary')
  @ProductRoute(
    {
      summary: 'Sell-through: stock, sold, available, orders, buyers, rejects by reason',
      description: 'Counts from the store; `rejects` is written about once a second.',
    },
    DropSummaryDto,
  )
  summary(@ProductId() id: number): Promise<DropSummary> {
    return this.drops.summary(id);
  }

  @Sse('products/:id/summary/stream')
  @ApiOperation({
    summary: 'Sell-through, pushed: the summary at once, then each change (at most one a second)',
    description:
      'Server-sent events, each `data` the same JSON as `GET …/summary`, for a live console; counts from the store, so every instance’s sales show. A comment line every 15 s keeps idle connections open. The bearer goes in the `Authorization` header (read the stream with `fetch`), never in the URL.',
  })
  @ApiPositiveIntParam('id')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An endless `text/event-stream`; each event’s `data` is a DropSummary object.',
    content: {
      'text/event-stream': {
        schema: { type: 'string', description: `data: ${getSchemaPath(DropSummaryDto)} as JSON` },
        example: 'data: {"productId":1,"state":"live","stock":100,"sold":12,"available":88,…}\n\n',
      },
    },
  })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  async summaryStream(@ProductId() id: number): Promise<Observable<MessageEvent>> {
    // Read once before the stream starts, so an unknown id is a 404 problem, not an empty stream.
    await this.drops.summary(id);
    return serverSentEvents(this.summaries.watch(id), (summary) => summary);
  }

  @Get('audit')
  @ApiOperation({
    summary: 'The audit log of operator changes, newest first',
    description:
      'Pass the last entry’s `id` as `before` for the next page (with the same filters). `productId` and `action` keep only the matching entries.',
  })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiProblems(ErrorCode.ValidationFailed)
  auditLog(@Query(QueryPipe) query: AuditQueryDto): Promise<AuditEntry[]> {
    return this.drops.auditEntries(query);
  }
}
