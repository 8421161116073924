import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import {
  AdminProduct,
  CreateDropRequest,
  DropState,
  DropSummary,
  ErrorCode,
  FieldError,
  Order,
  OrdersPage,
  Product,
  PurchaseRejectionCode,
  PurchaseResult,
  RestockRequest,
  UpdateDropRequest,
} from '@gtd/shared-contracts';
import { DomainError, validationFailed } from '@gtd/api-platform';
import { Subject } from 'rxjs';
import { Clock, CLOCK } from './clock';
import { deriveDropState } from './drop-state';
import { DependencyHealth, StoreHealth } from './stores';
import {
  InventoryStore,
  ProductPatch,
  ProductRecord,
  PurchaseOutcome,
  RejectionCount,
} from './inventory-store';
import { INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';
import { decodeOrderCursor } from './order-cursor';

/** The live count a poll (or an SSE event) answers; the products controller adds `pollAfterMs`. */
export interface LiveInventory {
  productId: number;
  available: number;
  state: DropState;
  /** ISO 8601; when an upcoming drop opens (`null`: open since creation). */
  startsAt: string | null;
}

/** One purchase attempt as the HTTP layer knows it; the service adds the clock's time. */
export interface PurchaseAttempt {
  productId: number;
  quantity: number;
  /** The signed-in buyer, if any. */
  buyerId?: string | null;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey?: string | null;
}

/** A successful purchase; `replayed`: an earlier answer to the same idempotency key, nothing sold now. */
export type PurchaseReceipt = PurchaseResult & { replayed: boolean };

/** Every purchase the store decided: metrics count them, the rejection tally persists the rejections. */
export interface PurchaseOutcomeEvent {
  productId: number;
  outcome: 'sold' | 'replayed' | ErrorCode;
  quantity: number;
}

/** The column type every adapter stores stock in (PostgreSQL `integer`). */
const MAX_STOCK = 2_147_483_647;
const MAX_ORDERS_PAGE = 500;
/** Rejections are counted in memory and written at most this often: never a write per rejection. */
const REJECTION_FLUSH_MS = 1000;

/**
 * The use cases over the store port: what the HTTP features call. It turns the store's outcomes
 * into contract answers and domain errors; the atomicity itself lives in the adapters.
 */
@Injectable()
export class InventoryService implements BeforeApplicationShutdown {
  readonly maxQuantityPerPurchase: number;
  /** Hot: one event per decided purchase. Subscribers must be cheap and synchronous. */
  readonly purchaseOutcomes$ = new Subject<PurchaseOutcomeEvent>();

  private readonly logger = new Logger(InventoryService.name);
  /** productId → code → rejected attempts not yet written. */
  private pendingRejections = new Map<number, Map<PurchaseRejectionCode, number>>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Flushes run one after another so two never add the same counts twice. */
  private flushing: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(
    @Inject(InventoryStore) private readonly store: InventoryStore,
    @Inject(INVENTORY_OPTIONS) options: InventoryModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(StoreHealth) private readonly health: StoreHealth,
  ) {
    this.maxQuantityPerPurchase = options.maxQuantityPerPurchase;
  }

  get storeKind(): string {
    return this.health.kind;
  }

  async listProducts(): Promise<Product[]> {
    const products = await this.store.listProducts();
    const nowMs = this.clock.now();
    return products.map((p) => this.toProduct(p, nowMs));
  }

  async getProduct(productId: number): Promise<Product> {
    return this.toProduct(await this.findProduct(productId), this.clock.now());
  }

  /** The hot poll: one store read, no copies beyond the answer itself. */
  async getLiveInventory(productId: number): Promise<LiveInventory> {
    const snapshot = await this.store.inventory(productId);
    if (!snapshot) throw this.productNotFound(productId);
    return {
      productId,
      available: snapshot.available,
      state: deriveDropState(snapshot, this.clock.now()),
      startsAt: isoOrNull(snapshot.startsAtMs),
    };
  }

  async purchase(attempt: PurchaseAttempt): Promise<PurchaseReceipt> {
    const { productId, quantity } = attempt;
    if (quantity > this.maxQuantityPerPurchase) {
      throw validationFailed([
        {
          field: 'quantity',
          messages: [`quantity must not be greater than ${this.maxQuantityPerPurchase}`],
        },
      ]);
    }
    const outcome = await this.store.purchase({
      productId,
      quantity,
      buyerId: attempt.buyerId ?? null,
      idempotencyKey: attempt.idempotencyKey ?? null,
      nowMs: this.clock.now(),
    });
    if (outcome.ok) {
      const { order, remaining, replayed } = outcome;
      this.purchaseOutcomes$.next({ productId, outcome: replayed ? 'replayed' : 'sold', quantity });
      return {
        orderId: order.orderId,
        productId: order.productId,
        quantity: order.quantity,
        remaining,
        replayed,
      };
    }
    this.purchaseOutcomes$.next({ productId, outcome: outcome.code, quantity });
    if (outcome.code !== ErrorCode.IdempotencyKeyMismatch && outcome.code !== ErrorCode.ProductNotFound) {
      // Unknown ids are not tallied: anyone could grow the table with made-up ones.
      this.countRejection(productId, outcome.code);
    }
    throw this.rejectionError(outcome, productId, quantity);
  }

  async getOrder(orderId: string): Promise<Order> {
    const order = await this.store.findOrder(orderId);
    if (!order) throw new DomainError(ErrorCode.OrderNotFound, `No order ${orderId}.`);
    // The buyer id stays with the operator: an order id alone must not reveal who bought.
    return {
      orderId: order.orderId,
      productId: order.productId,
      quantity: order.quantity,
      createdAt: order.createdAt,
    };
  }

  /** Each dependency of the store, checked on its own; used by the health check. */
  checkHealth(): Promise<DependencyHealth[]> {
    return this.health.checkHealth();
  }

  // --- Operator use cases (field formats are validated by the controllers' DTOs; cross-field
  // rules and anything that needs the stored product are checked here).

  async listAdminProducts(): Promise<AdminProduct[]> {
    const products = await this.store.listProducts();
    const nowMs = this.clock.now();
    return products.map((p) => this.toAdminProduct(p, nowMs));
  }

  async getAdminProduct(productId: number): Promise<AdminProduct> {
    return this.toAdminProduct(await this.findProduct(productId), this.clock.now());
  }

  async createDrop(request: CreateDropRequest): Promise<AdminProduct> {
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
    return this.toAdminProduct(created, this.clock.now());
  }

  async updateDrop(productId: number, request: UpdateDropRequest): Promise<AdminProduct> {
    // Only the members present change; `null` clears a schedule bound or the limit.
    const patch: ProductPatch = {};
    if (request.name !== undefined) patch.name = request.name;
    if (request.description !== undefined) patch.description = request.description;
    if (request.price !== undefined) patch.price = request.price;
    if (request.currency !== undefined) patch.currency = request.currency;
    if (request.perBuyerLimit !== undefined) patch.perBuyerLimit = request.perBuyerLimit;
    if (request.startsAt !== undefined) patch.startsAtMs = parseInstant('startsAt', request.startsAt);
    if (request.endsAt !== undefined) patch.endsAtMs = parseInstant('endsAt', request.endsAt);
    if (patch.startsAtMs !== undefined || patch.endsAtMs !== undefined) {
      const current = await this.findProduct(productId);
      assertEndsAfterStart(
        patch.startsAtMs !== undefined ? patch.startsAtMs : current.startsAtMs,
        patch.endsAtMs !== undefined ? patch.endsAtMs : current.endsAtMs,
      );
    }
    const updated = await this.store.updateProduct(productId, patch);
    if (!updated) throw this.productNotFound(productId);
    return this.toAdminProduct(updated, this.clock.now());
  }

  async restock(productId: number, request: RestockRequest): Promise<AdminProduct> {
    const current = await this.findProduct(productId);
    const sold = current.stock - current.available;
    // Purchases only lower `available`, so this bound holds for the atomic write that follows.
    const newStock = request.mode === 'add' ? current.stock + request.quantity : sold + request.quantity;
    if (newStock > MAX_STOCK) {
      throw validationFailed([
        { field: 'quantity', messages: [`stock would exceed ${MAX_STOCK} (currently ${current.stock})`] },
      ]);
    }
    const restocked = await this.store.restock(productId, { mode: request.mode, quantity: request.quantity });
    if (!restocked) throw this.productNotFound(productId);
    return this.toAdminProduct(restocked, this.clock.now());
  }

  async setPaused(productId: number, paused: boolean): Promise<AdminProduct> {
    const updated = await this.store.updateProduct(productId, { paused });
    if (!updated) throw this.productNotFound(productId);
    return this.toAdminProduct(updated, this.clock.now());
  }

  async listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPage> {
    const errors: FieldError[] = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ORDERS_PAGE) {
      errors.push({ field: 'limit', messages: [`limit must be an integer from 1 to ${MAX_ORDERS_PAGE}`] });
    }
    if (after !== null && !decodeOrderCursor(after)) {
      errors.push({ field: 'after', messages: ['after must be a nextCursor from a previous page'] });
    }
    if (errors.length > 0) throw validationFailed(errors);
    const page = await this.store.listOrders(productId, limit, after);
    // Orders imply the product: only an empty page needs the existence read.
    if (page.items.length === 0 && !(await this.store.inventory(productId))) {
      throw this.productNotFound(productId);
    }
    return {
      items: page.items.map(({ orderId, productId: id, quantity, buyerId, createdAt }) => ({
        orderId,
        productId: id,
        quantity,
        buyerId,
        createdAt,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Sell-through, with this process's rejections written first so the counts include them. */
  async summary(productId: number): Promise<DropSummary> {
    await this.flushRejections();
    const [product, sales] = await Promise.all([
      this.store.findProduct(productId),
      this.store.salesSummary(productId),
    ]);
    if (!product || !sales) throw this.productNotFound(productId);
    return {
      productId,
      state: deriveDropState({ ...product, available: sales.available }, this.clock.now()),
      stock: sales.stock,
      sold: sales.sold,
      available: sales.available,
      orders: sales.orders,
      buyers: sales.buyers,
      rejects: { ...sales.rejects },
    };
  }

  /** Writes the counted rejections now (also run every second while there are some, and on shutdown). */
  flushRejections(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePendingRejections());
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before the store closes (its own hook runs at onApplicationShutdown), after HTTP has drained.
    this.shuttingDown = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushRejections();
    this.purchaseOutcomes$.complete();
  }

  private countRejection(productId: number, code: PurchaseRejectionCode, count = 1): void {
    let byCode = this.pendingRejections.get(productId);
    if (!byCode) {
      byCode = new Map();
      this.pendingRejections.set(productId, byCode);
    }
    byCode.set(code, (byCode.get(code) ?? 0) + count);
    if (!this.flushTimer && !this.shuttingDown) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        void this.flushRejections();
      }, REJECTION_FLUSH_MS);
      // Counting must never keep a finished process (or a test) alive.
      this.flushTimer.unref();
    }
  }

  private async writePendingRejections(): Promise<void> {
    if (this.pendingRejections.size === 0) return;
    const pending = this.pendingRejections;
    this.pendingRejections = new Map();
    const counts: RejectionCount[] = [];
    for (const [productId, byCode] of pending) {
      for (const [code, count] of byCode) counts.push({ productId, code, count });
    }
    try {
      await this.store.recordRejections(counts);
    } catch (error) {
      // Kept for the next flush: the counts are statistics, and a store outage must neither lose
      // them silently nor fail a purchase. At shutdown there is no next flush: say what is lost.
      const reason = error instanceof Error ? error.message : String(error);
      if (this.shuttingDown) {
        this.logger.warn(`Could not record ${counts.length} rejection counts at shutdown: ${reason}`);
        return;
      }
      for (const { productId, code, count } of counts) this.countRejection(productId, code, count);
      this.logger.warn(`Could not record ${counts.length} rejection counts; retrying in a second: ${reason}`);
    }
  }

  private rejectionError(
    outcome: Extract<PurchaseOutcome, { ok: false }>,
    productId: number,
    quantity: number,
  ): DomainError {
    switch (outcome.code) {
      case ErrorCode.ProductNotFound:
        return this.productNotFound(productId);
      case ErrorCode.SoldOut:
        return new DomainError(ErrorCode.SoldOut, `Product ${productId} is sold out.`, {
          productId,
          available: 0,
        });
      case ErrorCode.InsufficientStock:
        return new DomainError(
          ErrorCode.InsufficientStock,
          `Only ${outcome.available} of product ${productId} left; asked for ${quantity}. Nothing was sold.`,
          { productId, available: outcome.available },
        );
      case ErrorCode.NotStarted: {
        const startsAt = isoOrNull(outcome.rules?.startsAtMs ?? null) ?? undefined;
        return new DomainError(
          ErrorCode.NotStarted,
          startsAt
            ? `Product ${productId} goes on sale at ${startsAt}.`
            : `Product ${productId} is not on sale yet.`,
          { productId, startsAt },
        );
      }
      case ErrorCode.Ended: {
        const endsAt = isoOrNull(outcome.rules?.endsAtMs ?? null) ?? undefined;
        return new DomainError(
          ErrorCode.Ended,
          endsAt
            ? `The drop of product ${productId} ended at ${endsAt}.`
            : `The drop of product ${productId} ended.`,
          { productId, endsAt },
        );
      }
      case ErrorCode.Paused:
        return new DomainError(
          ErrorCode.Paused,
          `The drop of product ${productId} is paused; try again later.`,
          {
            productId,
          },
        );
      case ErrorCode.AuthRequired:
        return new DomainError(
          ErrorCode.AuthRequired,
          `Product ${productId} is limited per buyer: sign in to buy it.`,
          { productId },
        );
      case ErrorCode.LimitReached: {
        const limit = outcome.rules?.perBuyerLimit ?? undefined;
        const bought = outcome.bought;
        return new DomainError(
          ErrorCode.LimitReached,
          `You already hold ${bought ?? 'the most'} of product ${productId}` +
            (limit !== undefined ? ` (limit ${limit} per buyer)` : '') +
            `; ${quantity} more would exceed the limit. Nothing was sold.`,
          { productId, limit, bought },
        );
      }
      case ErrorCode.IdempotencyKeyMismatch:
        return new DomainError(
          ErrorCode.IdempotencyKeyMismatch,
          'This Idempotency-Key was first used with a different product or quantity; use a new key for a new purchase.',
          { productId },
        );
    }
  }

  private async findProduct(productId: number): Promise<ProductRecord> {
    const product = await this.store.findProduct(productId);
    if (!product) throw this.productNotFound(productId);
    return product;
  }

  private toProduct(record: ProductRecord, nowMs: number): Product {
    return {
      id: record.id,
      name: record.name,
      description: record.description,
      price: record.price,
      currency: record.currency,
      stock: record.stock,
      available: record.available,
      maxQuantityPerPurchase: this.maxQuantityPerPurchase,
      startsAt: isoOrNull(record.startsAtMs),
      endsAt: isoOrNull(record.endsAtMs),
      perBuyerLimit: record.perBuyerLimit,
      state: deriveDropState(record, nowMs),
    };
  }

  private toAdminProduct(record: ProductRecord, nowMs: number): AdminProduct {
    return { ...this.toProduct(record, nowMs), paused: record.paused };
  }

  private productNotFound(productId: number): DomainError {
    return new DomainError(ErrorCode.ProductNotFound, `No product ${productId}.`, { productId });
  }
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

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
