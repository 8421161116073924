import { Inject, Injectable } from '@nestjs/common';
import {
  AdminOrder,
  AdminProduct,
  AuditEntry,
  CreateDropRequest,
  DropSummary,
  FieldError,
  OrdersPage,
  RestockRequest,
  UpdateDropRequest,
} from '@gtd/shared-contracts';
import {
  CatalogueQueries,
  decodeOrderCursor,
  InventoryStore,
  ProductMapper,
  ProductPatch,
  ProductRecord,
  productNotFound,
  RejectionTally,
} from '@gtd/api-inventory';
import { validationFailed } from '@gtd/api-platform';
import { DEFAULT_PAGE_SIZE, MAX_INT32, MAX_PAGE_SIZE } from './admin.dto';
import { AuditAction, AuditLog, sentFields } from './audit-log';
import { adminOrderOf } from './order-administration';
import { QueueAdministration } from './queue-administration';

/** A page request as the query string gives it: absent members take their defaults. */
export interface OrdersQuery {
  limit?: number;
  after?: string | null;
}

export interface AuditQuery {
  limit?: number;
  before?: string | null;
  productId?: number;
  action?: string;
}

const stockOf = ({ stock, available }: ProductRecord) => ({ stock, available });

/**
 * The operator's use cases, each one call for its route: every change is made in the store and,
 * once it succeeded, recorded in the audit log. Field formats are validated by the DTOs; the rules
 * across fields and those that need the stored product are checked here.
 */
@Injectable()
export class DropAdministration {
  constructor(
    @Inject(InventoryStore) private readonly store: InventoryStore,
    private readonly catalogue: CatalogueQueries,
    private readonly products: ProductMapper,
    private readonly tally: RejectionTally,
    private readonly audit: AuditLog,
    private readonly queues: QueueAdministration,
  ) {}

  async listProducts(): Promise<AdminProduct[]> {
    return this.products.toAdminProducts(await this.store.listProducts());
  }

  async getProduct(productId: number): Promise<AdminProduct> {
    return this.products.toAdminProduct(await this.catalogue.productRecord(productId));
  }

  async create(request: CreateDropRequest, actor: string): Promise<AdminProduct> {
    const startsAtMs = parseInstant('startsAt', request.startsAt);
    const endsAtMs = parseInstant('endsAt', request.endsAt);
    assertEndsAfterStart(startsAtMs, endsAtMs);
    const created = await this.store.createProduct({
      name: request.name,
      description: request.description ?? '',
      price: request.price,
      currency: request.currency,
      stock: request.stock,
      startsAtMs,
      endsAtMs,
      paused: false,
      perBuyerLimit: request.perBuyerLimit ?? null,
    });
    await this.audit.record(actor, AuditAction.create, created.id, sentFields(request));
    return this.products.toAdminProduct(created);
  }

  async update(productId: number, request: UpdateDropRequest, actor: string): Promise<AdminProduct> {
    const change = sentFields(request);
    if (Object.keys(change).length === 0) {
      throw validationFailed([{ field: '(body)', messages: ['send at least one field to change'] }]);
    }
    const updated = await this.store.updateProduct(productId, await this.patchOf(productId, request));
    if (!updated) throw productNotFound(productId);
    await this.audit.record(actor, AuditAction.update, productId, change);
    return this.products.toAdminProduct(updated);
  }

  /** The audit entry keeps the stock before and after: a sale racing the restock may land in between. */
  async restock(productId: number, request: RestockRequest, actor: string): Promise<AdminProduct> {
    const before = await this.catalogue.productRecord(productId);
    const sold = before.stock - before.available;
    // Purchases only lower `available`, so this bound holds for the atomic write that follows.
    const newStock = request.mode === 'add' ? before.stock + request.quantity : sold + request.quantity;
    if (newStock > MAX_INT32) {
      throw validationFailed([
        { field: 'quantity', messages: [`stock would exceed ${MAX_INT32} (currently ${before.stock})`] },
      ]);
    }
    const after = await this.store.restock(productId, { mode: request.mode, quantity: request.quantity });
    if (!after) throw productNotFound(productId);
    await this.audit.record(actor, AuditAction.restock, productId, {
      ...sentFields(request),
      before: stockOf(before),
      after: stockOf(after),
    });
    return this.products.toAdminProduct(after);
  }

  pause(productId: number, actor: string): Promise<AdminProduct> {
    return this.setPaused(productId, true, actor);
  }

  resume(productId: number, actor: string): Promise<AdminProduct> {
    return this.setPaused(productId, false, actor);
  }

  async orders(productId: number, query: OrdersQuery): Promise<OrdersPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.after ?? null;
    const errors: FieldError[] = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      errors.push({ field: 'limit', messages: [`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`] });
    }
    if (after !== null && !decodeOrderCursor(after)) {
      errors.push({ field: 'after', messages: ['after must be a nextCursor from a previous page'] });
    }
    if (errors.length > 0) throw validationFailed(errors);
    const page = await this.store.listOrders(productId, limit, after);
    // Orders imply the product: only an empty page needs the existence read.
    if (page.items.length === 0 && !(await this.store.inventory(productId))) {
      throw productNotFound(productId);
    }
    return {
      items: page.items.map(adminOrderOf),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Every order of a drop, oldest first, a page at a time (404 before the first page for an
   * unknown drop). The cursor pages through a drop that is still selling without missing an order or
   * giving one twice: orders sold during the export come after the cursor and are included.
   */
  async exportOrders(productId: number): Promise<AsyncIterable<AdminOrder[]>> {
    const first = await this.orders(productId, { limit: MAX_PAGE_SIZE });
    const more = (after: string | null) => this.orders(productId, { limit: MAX_PAGE_SIZE, after });
    return (async function* pages() {
      let page = first;
      yield page.items;
      while (page.nextCursor !== null) {
        page = await more(page.nextCursor);
        yield page.items;
      }
    })();
  }

  /** Sell-through, with this process's rejections written first so the counts include them. */
  async summary(productId: number): Promise<DropSummary> {
    await this.tally.flush();
    const [product, sales, queue] = await Promise.all([
      this.store.findProduct(productId),
      this.store.salesSummary(productId),
      this.queues.stats(productId),
    ]);
    if (!product || !sales) throw productNotFound(productId);
    return {
      productId,
      state: this.products.stateOf({ ...product, available: sales.available }),
      stock: sales.stock,
      sold: sales.sold,
      available: sales.available,
      orders: sales.orders,
      buyers: sales.buyers,
      rejects: { ...sales.rejects },
      ...(queue ? { queue } : {}),
    };
  }

  auditEntries(query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.list(query.limit ?? DEFAULT_PAGE_SIZE, query.before ?? null, {
      productId: query.productId,
      action: query.action,
    });
  }

  private async setPaused(productId: number, paused: boolean, actor: string): Promise<AdminProduct> {
    const updated = await this.store.updateProduct(productId, { paused });
    if (!updated) throw productNotFound(productId);
    await this.audit.record(actor, paused ? AuditAction.pause : AuditAction.resume, productId, {});
    return this.products.toAdminProduct(updated);
  }

  /** Only the members present change; `null` clears a schedule bound or the limit. */
  private async patchOf(productId: number, request: UpdateDropRequest): Promise<ProductPatch> {
    const patch: ProductPatch = {};
    if (request.name !== undefined) patch.name = request.name;
    if (request.description !== undefined) patch.description = request.description;
    if (request.price !== undefined) patch.price = request.price;
    if (request.currency !== undefined) patch.currency = request.currency;
    if (request.perBuyerLimit !== undefined) patch.perBuyerLimit = request.perBuyerLimit;
    if (request.startsAt !== undefined) patch.startsAtMs = parseInstant('startsAt', request.startsAt);
    if (request.endsAt !== undefined) patch.endsAtMs = parseInstant('endsAt', request.endsAt);
    if (patch.startsAtMs !== undefined || patch.endsAtMs !== undefined) {
      const current = await this.catalogue.productRecord(productId);
      assertEndsAfterStart(
        patch.startsAtMs !== undefined ? patch.startsAtMs : current.startsAtMs,
        patch.endsAtMs !== undefined ? patch.endsAtMs : current.endsAtMs,
      );
    }
    return patch;
  }
}

/** An optional ISO 8601 instant to epoch ms; `null`/absent stays `null`. */
function parseInstant(field: string, value: string | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw validationFailed([{ field, messages: [`${field} must be an ISO 8601 date-time`] }]);
  }
  return ms;
}

function assertEndsAfterStart(startsAtMs: number | null, endsAtMs: number | null): void {
  if (startsAtMs !== null && endsAtMs !== null && endsAtMs <= startsAtMs) {
    throw validationFailed([{ field: 'endsAt', messages: ['endsAt must be after startsAt'] }]);
  }
}
