import { Logger } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CatalogEntry } from '../catalog';
import {
  checkDependency,
  DependencyHealth,
  InventoryStore,
  OrderRecord,
  ProductRecord,
  PurchaseOutcome,
  SalesSummary,
} from '../inventory-store';
import { PostgresInventoryStore } from './postgres-inventory-store';
import { PERSISTER_GROUP, PURCHASE_LUA, RedisKeys } from './redis-scripts';

export interface RedisStoreOptions {
  redisUrl: string;
  databaseUrl: string;
  databasePoolSize?: number;
  /** Namespace of every key, so several drops or test runs can share one Redis. */
  keyPrefix?: string;
  /** Stream entries another consumer has held this long are taken over (a dead worker's). */
  claimIdleMs?: number;
  /** Most order events stored in one PostgreSQL statement. */
  persistBatchSize?: number;
}

type PurchaseReply = [number, number];

interface RedisWithPurchase extends Redis {
  purchase(
    availableKey: string,
    ordersKey: string,
    pendingKey: string,
    quantity: number,
    orderId: string,
    productId: number,
    createdAt: string,
  ): Promise<PurchaseReply>;
}

type StreamEntry = [id: string, fields: string[]];

function orderFromFields(fields: string[]): OrderRecord {
  const value = (name: string) => fields[fields.indexOf(name) + 1];
  return {
    orderId: value('o'),
    productId: Number(value('p')),
    quantity: Number(value('q')),
    createdAt: value('t'),
  };
}

function orderFromPending(orderId: string, encoded: string): OrderRecord {
  const [productId, quantity, createdAt] = encoded.split('|');
  return { orderId, productId: Number(productId), quantity: Number(quantity), createdAt };
}

/**
 * Many API processes, one hot path: each purchase is one Lua script on Redis (check, decrement,
 * order event), and a persister inside every process moves the order events into PostgreSQL,
 * the durable source of truth, idempotently and acknowledging only after the commit.
 *
 * Redis counters are a cache of PostgreSQL: on start, when Redis is empty or was built from
 * another database, they are rebuilt as (stock − stored orders − orders still in the stream).
 */
export class RedisInventoryStore implements InventoryStore {
  readonly kind = 'redis';
  private readonly logger = new Logger('RedisStore');
  private readonly durable: PostgresInventoryStore;
  private readonly redis: RedisWithPurchase;
  /** Blocking XREADGROUP needs its own connection, or it would stall every purchase. */
  private readonly reader: Redis;
  private readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private persisting?: Promise<void>;
  private stopping = false;
  private lastPersistError?: string;
  private recovery?: Promise<boolean>;

  constructor(private readonly options: RedisStoreOptions) {
    this.durable = new PostgresInventoryStore({
      connectionString: options.databaseUrl,
      poolSize: options.databasePoolSize,
    });
    const common = { keyPrefix: options.keyPrefix ?? 'gtd:', lazyConnect: true, maxRetriesPerRequest: 2 };
    this.redis = new Redis(options.redisUrl, common) as RedisWithPurchase;
    this.redis.defineCommand('purchase', { numberOfKeys: 3, lua: PURCHASE_LUA });
    this.reader = new Redis(options.redisUrl, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.redis, this.reader]) {
      client.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    }
  }

  async init(): Promise<void> {
    await Promise.all([this.redis.connect(), this.reader.connect()]);
    await this.durable.init();
  }

  /**
   * Seeds PostgreSQL when empty, then makes sure the Redis counters match it and starts the
   * persister: from here on purchases may run.
   */
  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    const seeded = await this.durable.seedIfEmpty(catalog);
    await this.ensureCounters();
    await this.ensureConsumerGroup();
    this.persisting = this.persistLoop();
    return seeded;
  }

  async listProducts(): Promise<ProductRecord[]> {
    const products = await this.durable.listProducts();
    if (products.length === 0) return products;
    const counters = await this.redis.mget(products.map((p) => RedisKeys.available(p.id)));
    return products.map((p, i) => ({ ...p, available: Number(counters[i] ?? 0) }));
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const [product, counter] = await Promise.all([
      this.durable.findProduct(productId),
      this.redis.get(RedisKeys.available(productId)),
    ]);
    return product && { ...product, available: Number(counter ?? 0) };
  }

  async available(productId: number): Promise<number | undefined> {
    let counter = await this.redis.get(RedisKeys.available(productId));
    if (counter === null && (await this.recoverIfWiped())) {
      counter = await this.redis.get(RedisKeys.available(productId));
    }
    return counter === null ? undefined : Number(counter);
  }

  /**
   * True when Redis had lost its data (no `built-from` marker) and has been rebuilt from
   * PostgreSQL. Orders that were only in the lost stream cannot be recovered; see the README.
   */
  private recoverIfWiped(): Promise<boolean> {
    this.recovery ??= (async () => {
      try {
        if ((await this.redis.exists(RedisKeys.builtFrom)) === 1) return false;
        this.logger.warn('Redis lost its data; rebuilding the stock counters from PostgreSQL');
        await this.ensureCounters();
        await this.ensureConsumerGroup();
        return true;
      } finally {
        this.recovery = undefined;
      }
    })();
    return this.recovery;
  }

  async purchase(productId: number, quantity: number): Promise<PurchaseOutcome> {
    const outcome = await this.purchaseOnce(productId, quantity);
    // No counter: an unknown product, or a Redis that lost its data while we run. In the second
    // case rebuild from PostgreSQL (once, shared by every caller) and try again.
    if (!outcome.ok && outcome.code === ErrorCode.ProductNotFound && (await this.recoverIfWiped())) {
      return this.purchaseOnce(productId, quantity);
    }
    return outcome;
  }

  private async purchaseOnce(productId: number, quantity: number): Promise<PurchaseOutcome> {
    const orderId = randomUUID();
    const createdAt = new Date().toISOString();
    const [status, count] = await this.redis.purchase(
      RedisKeys.available(productId),
      RedisKeys.orders,
      RedisKeys.pending,
      quantity,
      orderId,
      productId,
      createdAt,
    );
    if (status === 1)
      return { ok: true, order: { orderId, productId, quantity, createdAt }, remaining: count };
    if (status === -1) return { ok: false, code: ErrorCode.ProductNotFound, available: 0 };
    return {
      ok: false,
      code: count === 0 ? ErrorCode.SoldOut : ErrorCode.InsufficientStock,
      available: count,
    };
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const pending = await this.redis.hget(RedisKeys.pending, orderId);
    if (pending !== null) return orderFromPending(orderId, pending);
    return this.durable.findOrder(orderId);
  }

  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    // Pending orders are read before PostgreSQL, so one stored in between is in both and counted
    // once by the single-snapshot query; one bought after this read is not counted yet.
    const waiting = await this.pendingOrders();
    const [summary, available] = await Promise.all([
      this.durable.salesSummary(productId, waiting),
      this.available(productId),
    ]);
    return summary && { ...summary, available: available ?? 0 };
  }

  /** Order events not yet acknowledged as stored in PostgreSQL. */
  async backlog(): Promise<number> {
    return this.redis.xlen(RedisKeys.orders);
  }

  /** Why the persister last failed, if its last attempt failed. */
  get persisterError(): string | undefined {
    return this.lastPersistError;
  }

  async ping(): Promise<void> {
    await Promise.all([this.redis.ping(), this.durable.ping()]);
  }

  async checkHealth(): Promise<DependencyHealth[]> {
    const [redis, postgres] = await Promise.all([
      checkDependency('redis', async () => {
        await this.redis.ping();
      }),
      ...(await this.durable.checkHealth()),
    ]);
    const persister = await checkDependency('persister', async () => {
      const backlog = await this.backlog();
      if (this.lastPersistError) throw new Error(`${this.lastPersistError} (backlog ${backlog})`);
      return { backlog };
    });
    return [redis, postgres, persister];
  }

  /** Per-product comparison of Redis and PostgreSQL, for `npm run reconcile`. */
  async reconcile(repair: boolean): Promise<ReconcileRow[]> {
    if (repair) await this.rebuildCounters(await this.durable.epoch());
    // Raw reads on purpose: a report must show a wiped Redis as it is, not heal it on the way.
    const waiting = await this.pendingOrders();
    const products = await this.durable.listProducts();
    const counters =
      products.length > 0 ? await this.redis.mget(products.map((p) => RedisKeys.available(p.id))) : [];
    return Promise.all(
      products.map(async (p, i) => {
        const sold = (await this.durable.salesSummary(p.id, waiting))?.sold ?? 0;
        const counter = counters[i];
        const redisAvailable = counter === null || counter === undefined ? null : Number(counter);
        return {
          productId: p.id,
          name: p.name,
          stock: p.stock,
          sold,
          redisAvailable,
          postgresAvailable: p.available,
          expectedAvailable: p.stock - sold,
          agree: redisAvailable === p.stock - sold,
        };
      }),
    );
  }

  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.reader.disconnect();
    await this.persisting?.catch(() => undefined);
    // Hand over what this process read but could not store: another worker claims it.
    await Promise.allSettled([this.redis.quit(), this.durable.close()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Rebuilds the counters when Redis is empty or was built from another PostgreSQL database. */
  private async ensureCounters(): Promise<void> {
    const epoch = await this.durable.epoch();
    for (let attempt = 0; attempt < 300; attempt++) {
      if ((await this.redis.get(RedisKeys.builtFrom)) === epoch) return;
      const locked = await this.redis.set(RedisKeys.rebuildLock, this.consumer, 'PX', 30_000, 'NX');
      if (locked === 'OK') {
        try {
          await this.rebuildCounters(epoch);
        } finally {
          await this.redis.del(RedisKeys.rebuildLock);
        }
        return;
      }
      await sleep(100); // another process is rebuilding
    }
    throw new Error('Timed out waiting for another process to rebuild the Redis counters');
  }

  /**
   * available = stock − stored orders − orders still waiting in the stream (sold, confirmed, not
   * yet in PostgreSQL). PostgreSQL's `available` already is stock − stored orders.
   */
  private async rebuildCounters(epoch: string): Promise<void> {
    const waiting = await this.pendingOrders();
    const available = await this.durable.availableAfter(waiting);
    const multi = this.redis.multi();
    for (const [productId, left] of available) multi.set(RedisKeys.available(productId), Math.max(0, left));
    multi.set(RedisKeys.builtFrom, epoch);
    await multi.exec();
    this.logger.log(
      `Rebuilt ${available.size} stock counters from PostgreSQL (${waiting.length} orders still in Redis)`,
    );
  }

  private async pendingOrders(): Promise<OrderRecord[]> {
    const pending = await this.redis.hgetall(RedisKeys.pending);
    return Object.entries(pending).map(([orderId, encoded]) => orderFromPending(orderId, encoded));
  }

  private async ensureConsumerGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', RedisKeys.orders, PERSISTER_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error as Error).message.includes('BUSYGROUP')) throw error;
    }
  }

  /**
   * Reads new order events, stores them, then acknowledges and deletes them — in that order, so a
   * crash at any point leaves the events in the stream for this or another worker to store again
   * (idempotently). Entries a dead worker held are claimed after `claimIdleMs`.
   */
  private async persistLoop(): Promise<void> {
    const batch = this.options.persistBatchSize ?? 500;
    let lastClaim = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - lastClaim >= (this.options.claimIdleMs ?? 10_000) / 2) {
          lastClaim = Date.now();
          await this.claimAbandoned(batch);
        }
        const reply = (await this.reader.xreadgroup(
          'GROUP',
          PERSISTER_GROUP,
          this.consumer,
          'COUNT',
          batch,
          'BLOCK',
          500,
          'STREAMS',
          RedisKeys.orders,
          '>',
        )) as [string, StreamEntry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        await this.store(entries);
        this.lastPersistError = undefined;
      } catch (error) {
        if (this.stopping) return;
        this.lastPersistError = (error as Error).message;
        this.logger.warn(`Persister: ${this.lastPersistError}; retrying`);
        if (this.lastPersistError.includes('NOGROUP')) await this.recoverIfWiped().catch(() => false);
        await sleep(500);
      }
    }
  }

  private async claimAbandoned(batch: number): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.redis.xautoclaim(
        RedisKeys.orders,
        PERSISTER_GROUP,
        this.consumer,
        this.options.claimIdleMs ?? 10_000,
        cursor,
        'COUNT',
        batch,
      )) as [string, (StreamEntry | null)[]];
      await this.store(entries.filter((e): e is StreamEntry => e !== null));
      cursor = next;
    } while (cursor !== '0-0' && !this.stopping);
  }

  private async store(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const orders = entries.map(([, fields]) => orderFromFields(fields));
    await this.durable.persistOrders(orders);
    const ids = entries.map(([id]) => id);
    await this.redis
      .multi()
      .xack(RedisKeys.orders, PERSISTER_GROUP, ...ids)
      .xdel(RedisKeys.orders, ...ids)
      .hdel(RedisKeys.pending, ...orders.map((o) => o.orderId))
      .exec();
  }
}

export interface ReconcileRow {
  productId: number;
  name: string;
  stock: number;
  sold: number;
  redisAvailable: number | null;
  postgresAvailable: number;
  expectedAvailable: number;
  agree: boolean;
}
