import { DependencyUnavailable } from '@gtd/api-platform';
import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { CatalogEntry } from '../../catalog';
import {
  CancelOutcome,
  InventorySnapshot,
  InventoryStore,
  NewProduct,
  OrderRecord,
  OrdersPageRecord,
  ProductPatch,
  ProductRecord,
  PurchaseCommand,
  PurchaseOutcome,
  RejectionCount,
  Restock,
  SalesSummary,
} from '../../inventory-store';
import { answersWithRules, idempotencyFingerprint, rejectionOf } from '../../purchase-rules';
import { PostgresCatalogue } from '../postgres/postgres-catalogue';
import { PostgresOrderLedger } from '../postgres/postgres-ledger';
import { PostgresSales } from '../postgres/postgres-sales';
import { RedisConnection } from './redis-connection';
import { assertWritable, redisFault, withRedisFaults } from './redis-faults';
import { KEY_GRACE_MS, RedisGate } from './redis-gate';
import { RedisOrders } from './redis-orders';
import { RedisPersister } from './redis-persister';
import { decodeRules, encodePrice, encodeRules } from './redis-records';
import { RedisKeys } from './redis-scripts';
import { newOrderId } from '../../order-id';

/** What the Redis hot path asks of PostgreSQL, its durable source of truth. */
export interface RedisDurableSide {
  /** The products table: Redis's counters and rules are copies of it, written there first. */
  readonly catalogue: PostgresCatalogue;
  /** Stored orders, pages, rejection tallies. */
  readonly sales: PostgresSales;
  /** The summary over stored and waiting sales and cancels (the persister's side of PostgreSQL). */
  readonly ledger: PostgresOrderLedger;
}

/** A script found the gate closed (a rebuild is due or running): nothing was changed. */
const NOT_READY = Symbol('not-ready');

/**
 * Many API processes, one hot path: each purchase is ONE Lua script on Redis (idempotency key,
 * rules, per-buyer limit, stock, then decrement, buyer total and order event), and the persister
 * inside every process moves the order events into PostgreSQL — the durable source of truth —
 * idempotently, acknowledging only after the commit. Reads merge PostgreSQL with the orders still
 * waiting in Redis. Operator writes go to PostgreSQL first and then to Redis, under the gate's
 * maintenance lock (see `RedisGate`).
 */
export class RedisInventoryStore implements InventoryStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly durable: RedisDurableSide,
    private readonly gate: RedisGate,
    private readonly persister: RedisPersister,
    private readonly idempotencyTtlMs: number,
  ) {
    this.orders = new RedisOrders(connection, durable, gate);
  }

  /** Order reads and the operator's cancel. */
  private readonly orders: RedisOrders;

  /**
   * Seeds PostgreSQL when empty, then makes sure Redis is built from it and starts the persister:
   * from here on purchases may run.
   */
  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    const seeded = await this.durable.catalogue.seedIfEmpty(catalog);
    await this.gate.ready();
    await this.copyPrices();
    await this.connection.ensureConsumerGroup();
    this.persister.start();
    return seeded;
  }

  /**
   * Rules hashes built by an older build have no price, and the purchase script would record
   * none (PostgreSQL would then take the price of the moment it stores the order): at start-up,
   * every product's price is copied in, under the lock operator writes take, so no price change
   * comes between the read and the copy.
   */
  private copyPrices(): Promise<void> {
    return this.gate.withMaintenanceLock(async () => {
      const products = await this.durable.catalogue.listProducts();
      if (products.length === 0) return;
      const pipeline = this.connection.redis.pipeline();
      for (const p of products) pipeline.hset(RedisKeys.rules(p.id), encodePrice(p));
      await this.connection.execAll(pipeline);
    });
  }

  listProducts(): Promise<ProductRecord[]> {
    return withRedisFaults(async () => {
      const products = await this.durable.catalogue.listProducts();
      const counters = await this.gate.counters(products.map((p) => p.id));
      return products.map((p, i) => ({ ...p, available: counters[i] ?? 0 }));
    });
  }

  findProduct(productId: number): Promise<ProductRecord | undefined> {
    return withRedisFaults(async () => {
      const [product, [counter]] = await Promise.all([
        this.durable.catalogue.findProduct(productId),
        this.gate.counters([productId]),
      ]);
      return product && { ...product, available: counter ?? 0 };
    });
  }

  /** The poll: one script, counter and rules from one consistent view of Redis. */
  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    // The poll is the hottest read: its fault handling inline, not through a closure per call.
    try {
      for (let attempt = 0; ; attempt++) {
        const reply = await this.connection.redis.inventorySnapshot(
          RedisKeys.builtFrom,
          RedisKeys.available(productId),
          RedisKeys.rules(productId),
        );
        if (reply[0] === 'missing') return undefined;
        if (reply[0] === 'found') {
          const [, available, paused, starts, ends, limit] = reply.map(String);
          return { available: Number(available), ...decodeRules(paused, starts, ends, limit) };
        }
        await this.gate.afterNotReady(attempt);
      }
    } catch (error) {
      throw redisFault(error) ?? error;
    }
  }

  /**
   * Only a script refused before it ran, or never written (see `assertWritable`), is NOT_MADE; one
   * written whose answer did not come may have sold.
   */
  async purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    for (let attempt = 0; ; attempt++) {
      assertWritable(this.connection.redis);
      let outcome: PurchaseOutcome | typeof NOT_READY;
      try {
        outcome = await this.purchaseOnce(command);
      } catch (error) {
        throw redisFault(error) ?? error;
      }
      if (outcome !== NOT_READY) return outcome;
      // The gate was closed, so nothing happened: wait for (or run) the rebuild and decide again.
      // If that fails, still nothing was sold.
      try {
        await this.gate.afterNotReady(attempt);
      } catch (error) {
        const fault = redisFault(error);
        throw new DependencyUnavailable(fault?.dependency ?? 'redis', false, {
          cause: error,
          message: `Redis was not ready to sell (${(error as Error).message})`,
        });
      }
    }
  }

  private async purchaseOnce(command: PurchaseCommand): Promise<PurchaseOutcome | typeof NOT_READY> {
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    const orderId = newOrderId();
    const createdAt = new Date(nowMs).toISOString();
    const reply = await this.connection.redis.purchase(
      RedisKeys.builtFrom,
      RedisKeys.available(productId),
      RedisKeys.rules(productId),
      RedisKeys.buyers(productId),
      RedisKeys.idempotency(command.idempotencyScope, idempotencyKey ?? ''),
      RedisKeys.orders,
      RedisKeys.pending,
      quantity,
      orderId,
      productId,
      nowMs,
      buyerId ?? '',
      idempotencyKey ?? '',
      idempotencyFingerprint(productId, quantity),
      this.idempotencyTtlMs,
      this.idempotencyTtlMs + KEY_GRACE_MS,
      createdAt,
      command.idempotencyScope,
    );
    switch (reply[0]) {
      case 'sold':
        return {
          ok: true,
          order: { orderId, productId, quantity, buyerId, createdAt },
          remaining: Number(reply[1]),
          replayed: false,
        };
      case 'replay':
        // Same key scope means same buyer (or client), same fingerprint same product and quantity.
        return {
          ok: true,
          order: {
            orderId: String(reply[2]),
            productId,
            quantity,
            buyerId,
            createdAt: new Date(Number(reply[3])).toISOString(),
          },
          remaining: Number(reply[1]),
          replayed: true,
        };
      case 'mismatch':
        return { ok: false, code: ErrorCode.IdempotencyKeyMismatch, available: Number(reply[1]) };
      case 'rejected': {
        const [, code, available, bought, paused, starts, ends, limit] = reply.map(String);
        const rules = answersWithRules(code) ? decodeRules(paused, starts, ends, limit) : undefined;
        return rejectionOf(code as PurchaseRejectionCode, Number(available), rules, Number(bought));
      }
      default:
        return NOT_READY;
    }
  }

  findOrder(orderId: string): Promise<OrderRecord | undefined> {
    return this.orders.findOrder(orderId);
  }

  cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome> {
    return this.orders.cancelOrder(orderId, nowMs);
  }

  listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.orders.listOrders(productId, limit, after);
  }

  listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.orders.listBuyerOrders(buyerId, limit, after);
  }

  salesSummary(productId: number): Promise<SalesSummary | undefined> {
    return this.orders.salesSummary(productId);
  }

  /**
   * Kept in PostgreSQL, not Redis: the service already batches them (about one write a second per
   * process, off the purchase path), they then survive a Redis wipe without being rebuilt, and the
   * summary reads them in the same statement as the sales.
   */
  recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    return this.durable.sales.recordRejections(counts);
  }

  /** PostgreSQL assigns the id; then Redis gets the counter and rules, so purchases find it. */
  createProduct(product: NewProduct): Promise<ProductRecord> {
    return withRedisFaults(async () => {
      await this.gate.ready();
      return this.gate.withMaintenanceLock(async () => {
        const created = await this.durable.catalogue.createProduct(product);
        await this.connection.redis
          .multi()
          .set(RedisKeys.available(created.id), created.available)
          .hset(RedisKeys.rules(created.id), encodeRules(created, created))
          .exec();
        return created;
      });
    });
  }

  /**
   * PostgreSQL first (the truth), then the rules hash every API process reads at its next purchase.
   * The lock keeps two operators (or a rebuild) from writing Redis in the opposite order to
   * PostgreSQL. A crash in between leaves Redis with the old rules until the next update or
   * `reconcile --repair` (reconcile reports it).
   */
  updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    return withRedisFaults(async () => {
      await this.gate.ready();
      return this.gate.withMaintenanceLock(async () => {
        const updated = await this.durable.catalogue.updateProduct(productId, patch);
        if (!updated) return undefined;
        await this.connection.redis.hset(RedisKeys.rules(productId), encodeRules(updated, updated));
        const [counter] = await this.gate.counters([productId]);
        return { ...updated, available: counter ?? 0 };
      });
    });
  }

  /**
   * Atomic with purchases because the counter only ever changes inside a script. PostgreSQL's
   * stock and available move by the same delta (an `add` restock of a possibly negative delta), in
   * the order that makes a crash between the two steps fail safe — PostgreSQL never holds fewer
   * units than Redis may sell:
   * - more units (`add`, or `set` above what is left): PostgreSQL first, then Redis. A crash
   *   in between leaves the new units unsold until a rebuild or `reconcile --repair` adds them.
   *   Redis first would let it sell units PostgreSQL never got, and the persister's decrement
   *   would then break PostgreSQL's `available >= 0` and stall.
   * - fewer units (`set` at or below what is left): Redis first, in the script that computes the
   *   delta, so no purchase can take the units being removed; then PostgreSQL. A crash in between
   *   leaves PostgreSQL with the removed units, which a repair would bring back (the operator
   *   repeats the restock); nothing is oversold.
   * A `set` whose units grow is decided by the first script at its moment: purchases between it
   * and the addition count after it (available ends at quantity − what they took).
   * Residual: Redis wiped in the middle of a restock; reconcile reports the difference.
   */
  restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    return withRedisFaults(async () => {
      await this.gate.ready();
      return this.gate.withMaintenanceLock(async () => {
        if (restock.mode === 'add') return this.addUnits(productId, restock.quantity);
        const reply = await this.connection.redis.restockSet(
          RedisKeys.builtFrom,
          RedisKeys.available(productId),
          restock.quantity,
        );
        if (reply[0] === 'not-ready') throw new Error('Redis lost its data during the restock; try again');
        if (reply[0] === 'missing') {
          if (!(await this.durable.catalogue.findProduct(productId))) return undefined;
          throw new Error(`Product ${productId} has no Redis counter; run reconcile --repair`);
        }
        const delta = Number(reply[1]);
        if (reply[0] === 'deferred') return this.addUnits(productId, delta);
        const updated = await this.durable.catalogue.restock(productId, { mode: 'add', quantity: delta });
        return updated && { ...updated, available: restock.quantity };
      });
    });
  }

  /** PostgreSQL then Redis (see `restock`); the counter is skipped when a rebuild will count them. */
  private async addUnits(productId: number, units: number): Promise<ProductRecord | undefined> {
    const updated = await this.durable.catalogue.restock(productId, { mode: 'add', quantity: units });
    if (!updated) return undefined;
    const reply = await this.connection.redis.addStock(
      RedisKeys.builtFrom,
      RedisKeys.available(productId),
      units,
    );
    return { ...updated, available: reply[0] === 'applied' ? Number(reply[1]) : updated.available };
  }
}
