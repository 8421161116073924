import { isUuid } from '@gtd/api-platform';
import { CancelOutcome, OrderRecord, OrdersPageRecord, SalesSummary, SoldOrder } from '../../inventory-store';
import { alreadyCancelled, CANCEL_ORDER_NOT_FOUND } from '../../order-cancel';
import { compareOrders, nextCursorOf, orderCursorAfter } from '../../order-cursor';
import { RedisConnection } from './redis-connection';
import { withRedisFaults } from './redis-faults';
import { RedisGate } from './redis-gate';
import type { RedisDurableSide } from './redis-inventory-store';
import { decodePending, QueuedOrder } from './redis-records';
import { RedisKeys } from './redis-scripts';

/**
 * The Redis store's orders as reads show them — the ones still waiting in Redis merged with the
 * stored ones, each with its cancel — and the operator's cancel, decided on Redis like a purchase.
 */
export class RedisOrders {
  constructor(
    private readonly connection: RedisConnection,
    private readonly durable: RedisDurableSide,
    private readonly gate: RedisGate,
  ) {}

  findOrder(orderId: string): Promise<OrderRecord | undefined> {
    return withRedisFaults(() => this.lookUpOrder(orderId));
  }

  /**
   * The order as a read shows it: waiting in Redis or stored, with its cancel from the cancelled
   * hash (every cancel, whether PostgreSQL has it yet or not) or, failing that, PostgreSQL's.
   */
  private async lookUpOrder(orderId: string): Promise<OrderRecord | undefined> {
    // Order ids are UUIDs; anything else is no order (and never reaches PostgreSQL's uuid cast).
    if (!isUuid(orderId)) return undefined;
    const [pending, cancelledAt] = await this.connection.redis
      .multi()
      .hget(RedisKeys.pending, orderId)
      .hget(RedisKeys.cancelled, orderId)
      .exec()
      .then((replies) =>
        (replies ?? []).map(([error, value]) => {
          if (error) throw error;
          return value as string | null;
        }),
      );
    const order =
      pending !== null
        ? (await this.priced([decodePending(orderId, pending)]))[0]
        : await this.durable.sales.findOrder(orderId);
    return order && { ...order, cancelledAt: cancelledAt ?? order.cancelledAt ?? null };
  }

  /**
   * One script decides (see `CANCEL_ORDER_LUA`), given the order as found here: its product,
   * quantity and buyer are fixed at the sale, so reading them first decides nothing; whether this
   * cancel is the first is decided in the script. A fault before the script changes nothing; one
   * with the script sent may have cancelled (a retry then answers ORDER_ALREADY_CANCELLED).
   */
  cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome> {
    return withRedisFaults(async () => {
      const order = await this.lookUpOrder(orderId);
      if (!order) return CANCEL_ORDER_NOT_FOUND;
      const cancelledAt = new Date(nowMs).toISOString();
      for (let attempt = 0; ; attempt++) {
        const reply = await this.connection.redis.cancelOrder(
          RedisKeys.builtFrom,
          RedisKeys.cancelled,
          RedisKeys.available(order.productId),
          RedisKeys.buyers(order.productId),
          RedisKeys.orders,
          RedisKeys.pendingCancels,
          orderId,
          order.productId,
          order.quantity,
          order.buyerId ?? '',
          cancelledAt,
        );
        switch (reply[0]) {
          case 'cancelled':
            return { ok: true, order: { ...order, cancelledAt }, available: Number(reply[1]) };
          case 'already':
            return alreadyCancelled({ ...order, cancelledAt: String(reply[1]) });
          case 'missing':
            throw new Error(`Product ${order.productId} has no Redis counter; run reconcile --repair`);
          default:
            // The gate was closed, so nothing happened: once rebuilt, the cancelled hash holds
            // every cancel again and the script decides afresh.
            await this.gate.afterNotReady(attempt);
        }
      }
    });
  }

  /**
   * Waiting orders with their price. One sold by an older build carries none: it is shown at the
   * product's current price, which is what PostgreSQL's trigger will record when it is stored.
   */
  private async priced(waiting: readonly QueuedOrder[]): Promise<OrderRecord[]> {
    const unpriced = [...new Set(waiting.filter((w) => !w.price).map((w) => w.order.productId))];
    const products = await Promise.all(unpriced.map((id) => this.durable.catalogue.findProduct(id)));
    const current = new Map(unpriced.map((id, i) => [id, products[i]]));
    return waiting.map(({ order, price }) => {
      const product = current.get(order.productId);
      return {
        ...order,
        ...(price ?? { unitPrice: product?.price ?? 0, currency: product?.currency ?? '' }),
        // Pages and lookups put the cancel on (`withCancels`, `lookUpOrder`).
        cancelledAt: null,
      };
    });
  }

  /**
   * A stored page merged with the orders still waiting in Redis that `belongs` picks, so a sale is
   * seen at once. Waiting orders are read first: one stored in between is then in both (kept
   * once), never in neither. Reads the whole pending hash: it holds only what the persister has
   * not stored yet (milliseconds' worth while PostgreSQL is up).
   */
  private mergedPage(
    belongs: (order: SoldOrder) => boolean,
    stored: () => Promise<OrdersPageRecord>,
    limit: number,
    after: string | null,
  ): Promise<OrdersPageRecord> {
    return withRedisFaults(async () => {
      const cursor = orderCursorAfter(after);
      const waiting = await this.priced(
        (await this.connection.pendingOrders()).filter(
          ({ order }) => belongs(order) && (!cursor || compareOrders(order, cursor) > 0),
        ),
      );
      const page = await stored();
      const onPage = new Set(page.items.map((o) => o.orderId));
      const merged = [...page.items, ...waiting.filter((o) => !onPage.has(o.orderId))].sort(compareOrders);
      const items = await this.withCancels(merged.slice(0, limit));
      return { items, nextCursor: nextCursorOf(items, merged.length > limit || page.nextCursor !== null) };
    });
  }

  /** Each order's cancel as `lookUpOrder` takes it: the cancelled hash first, then PostgreSQL's. */
  private async withCancels(orders: OrderRecord[]): Promise<OrderRecord[]> {
    if (orders.length === 0) return orders;
    const cancels = await this.connection.redis.hmget(RedisKeys.cancelled, ...orders.map((o) => o.orderId));
    return orders.map((o, i) => ({ ...o, cancelledAt: cancels[i] ?? o.cancelledAt ?? null }));
  }

  listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.mergedPage(
      (o) => o.productId === productId,
      () => this.durable.sales.listOrders(productId, limit, after),
      limit,
      after,
    );
  }

  listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.mergedPage(
      (o) => o.buyerId === buyerId,
      () => this.durable.sales.listBuyerOrders(buyerId, limit, after),
      limit,
      after,
    );
  }

  /**
   * PostgreSQL's figures with the sales and cancels still waiting in Redis counted in, in one
   * statement, so stock = available + sold holds within the answer. Waiting events are read first,
   * in one step: one stored in between is counted once (as stored); one decided after this read is
   * not counted yet, on either side (see `PostgresOrderLedger.salesSummary`).
   */
  salesSummary(productId: number): Promise<SalesSummary | undefined> {
    return withRedisFaults(async () => {
      const { orders, cancels } = await this.connection.waitingEvents();
      return this.durable.ledger.salesSummary(
        productId,
        orders.map((p) => p.order).filter((o) => o.productId === productId),
        cancels.map((c) => c.orderId),
      );
    });
  }
}
