import {
  Body,
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AdminProduct, AuditEntry, DropSummary, ErrorCode, OrdersPage } from '@gtd/shared-contracts';
import { InventoryService } from '@gtd/api-inventory';
import { ApiProblems, BODY_PROBLEMS, ParsePositiveIntPipe, validationFailed } from '@gtd/api-platform';
import { ADMIN_SECURITY_SCHEME, AdminTokenGuard } from './admin-token.guard';
import { AdminQueryPipe } from './admin-query.pipe';
import {
  AdminProductDto,
  AuditEntryDto,
  AuditQueryDto,
  CreateDropDto,
  DEFAULT_PAGE_SIZE,
  DropSummaryDto,
  OrdersPageDto,
  OrdersQueryDto,
  RestockDto,
  UpdateDropDto,
} from './admin.dto';
import { AuditAction, AuditLog, operatorActor, sentFields } from './audit-log';

/** The audit log's actor for this request: the operator and the client address it called from. */
const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  operatorActor(context.switchToHttp().getRequest<{ ip?: string }>().ip),
);

const idParam = () => ApiParam({ name: 'id', type: Number, example: 1 });

const stockOf = (product: AdminProduct) => ({ stock: product.stock, available: product.available });

/**
 * The operator API. Every route needs `Authorization: Bearer <ADMIN_TOKEN>`; every change is
 * validated like the public API and, once it succeeded, written to the audit log.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY_SCHEME)
@ApiProblems(ErrorCode.Unauthorized, ErrorCode.AdminDisabled)
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly inventory: InventoryService,
    private readonly audit: AuditLog,
  ) {}

  @Post('products')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create a drop: a product with its stock, schedule and per-buyer limit' })
  @ApiBody({ type: CreateDropDto })
  @ApiCreatedResponse({ type: AdminProductDto })
  @ApiProblems(...BODY_PROBLEMS)
  async create(@Body() request: CreateDropDto, @Actor() actor: string): Promise<AdminProduct> {
    const created = await this.inventory.createDrop(request);
    await this.audit.record(actor, AuditAction.create, created.id, sentFields(request));
    return created;
  }

  @Get('products')
  @ApiOperation({ summary: 'Every product, with its pause flag and state' })
  @ApiOkResponse({ type: [AdminProductDto] })
  list(): Promise<AdminProduct[]> {
    return this.inventory.listAdminProducts();
  }

  @Get('products/:id')
  @ApiOperation({ summary: 'One product as the operator sees it' })
  @idParam()
  @ApiOkResponse({ type: AdminProductDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  get(@Param('id', ParsePositiveIntPipe) id: number): Promise<AdminProduct> {
    return this.inventory.getAdminProduct(id);
  }

  @Patch('products/:id')
  @ApiOperation({
    summary: 'Change a drop: any subset of its fields',
    description: 'Stock changes go through restock. `null` clears `startsAt`, `endsAt` or `perBuyerLimit`.',
  })
  @idParam()
  @ApiBody({ type: UpdateDropDto })
  @ApiOkResponse({ type: AdminProductDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.ProductNotFound)
  async update(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Body() request: UpdateDropDto,
    @Actor() actor: string,
  ): Promise<AdminProduct> {
    const change = sentFields(request);
    if (Object.keys(change).length === 0) {
      throw validationFailed([{ field: '(body)', messages: ['send at least one field to change'] }]);
    }
    const updated = await this.inventory.updateDrop(id, request);
    await this.audit.record(actor, AuditAction.update, id, change);
    return updated;
  }

  @Post('products/:id/restock')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Restock: add units, or set what is available',
    description: 'Atomic with purchases. The audit entry records the stock before and after.',
  })
  @idParam()
  @ApiBody({ type: RestockDto })
  @ApiOkResponse({ type: AdminProductDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.ProductNotFound)
  async restock(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Body() request: RestockDto,
    @Actor() actor: string,
  ): Promise<AdminProduct> {
    // Read just before the atomic restock: a sale racing it may land in between, which is why the
    // entry keeps both sides rather than a computed difference.
    const before = await this.inventory.getAdminProduct(id);
    const after = await this.inventory.restock(id, request);
    await this.audit.record(actor, AuditAction.restock, id, {
      ...sentFields(request),
      before: stockOf(before),
      after: stockOf(after),
    });
    return after;
  }

  @Post('products/:id/pause')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Pause a drop: purchases get 409 PAUSED until it resumes' })
  @idParam()
  @ApiOkResponse({ type: AdminProductDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  async pause(@Param('id', ParsePositiveIntPipe) id: number, @Actor() actor: string): Promise<AdminProduct> {
    const paused = await this.inventory.setPaused(id, true);
    await this.audit.record(actor, AuditAction.pause, id, {});
    return paused;
  }

  @Post('products/:id/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Resume a paused drop' })
  @idParam()
  @ApiOkResponse({ type: AdminProductDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  async resume(@Param('id', ParsePositiveIntPipe) id: number, @Actor() actor: string): Promise<AdminProduct> {
    const resumed = await this.inventory.setPaused(id, false);
    await this.audit.record(actor, AuditAction.resume, id, {});
    return resumed;
  }

  @Get('products/:id/orders')
  @ApiOperation({ summary: "A drop's orders, oldest first, a page at a time" })
  @idParam()
  @ApiOkResponse({ type: OrdersPageDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  orders(
    @Param('id', ParsePositiveIntPipe) id: number,
    @Query(AdminQueryPipe) query: OrdersQueryDto,
  ): Promise<OrdersPage> {
    return this.inventory.listOrders(id, query.limit ?? DEFAULT_PAGE_SIZE, query.after ?? null);
  }

  @Get('products/:id/summary')
  @ApiOperation({ summary: 'Sell-through: stock, sold, available, orders, buyers, rejects by reason' })
  @idParam()
  @ApiOkResponse({ type: DropSummaryDto })
  @ApiProblems(ErrorCode.ValidationFailed, ErrorCode.ProductNotFound)
  summary(@Param('id', ParsePositiveIntPipe) id: number): Promise<DropSummary> {
    return this.inventory.summary(id);
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log of operator changes, newest first' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiProblems(ErrorCode.ValidationFailed)
  auditLog(@Query(AdminQueryPipe) query: AuditQueryDto): Promise<AuditEntry[]> {
    return this.audit.list(query.limit ?? DEFAULT_PAGE_SIZE, query.before ?? null);
  }
}
