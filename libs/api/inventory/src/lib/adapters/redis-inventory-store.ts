import { Logger } from '@nestjs/common';
import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CatalogEntry } from '../catalog';
import {
  AuditRecord,
  BuyerRecord,
  checkDependency,
  DependencyHealth,
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
} from '../inventory-store';
import {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  decodeOrderCursor,
  encodeOrderCursor,
  idempotencyFingerprint,
  idempotencyScope,
  PRODUCT_NOT_FOUND,
} from '../purchase-rules';
import { ANSWERED_WITH_RULES, PostgresInventoryStore } from './postgres-inventory-store';
import { deriveRedisState, readDurableSnapshot, soldByProduct } from './redis-rebuild';
import {
  decodeOrderEvent,
  decodePending,
  decodeRules,
  encodeRules,
  QueuedOrder,
  sameRules,
} from './redis-records';
import {
  ADD_STOCK_LUA,
  DERIVED_KEY_PATTERNS,
  INVENTORY_LUA,
  OPEN_GATE_LUA,
  PERSISTER_GROUP,
  PURCHASE_LUA,
  RedisKeys,
  RELEASE_LOCK_LUA,
  RESTOCK_SET_LUA,
} from './redis-scripts';

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
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

/**
 * Keys live this much longer in Redis than their TTL: expiry is judged against the caller's clock
 * in the script, so Redis's own expiry is only garbage collection and must never come first.
 */
const KEY_GRACE_MS = 3600_000;
/** A rebuild or operator write holds the maintenance lock at most this long. */
const LOCK_MS = 60_000;
/** How long an operator write, or a purchase meeting a rebuild, waits for the lock. */
const LOCK_WAIT_MS = 30_000;
/** Expired idempotency keys are deleted from PostgreSQL about this often (by every persister). */
const KEY_SWEEP_INTERVAL_MS = 60_000;
/** Commands per pipeline when a rebuild writes or clears many keys. */
const WRITE_BATCH = 1000;

type ScriptReply = (string | number)[];

interface RedisWithScripts extends Redis {
  purchase(...keysThenArgs: (string | number)[]): Promise<ScriptReply>;
  inventorySnapshot(builtFrom: string, available: string, rules: string): Promise<ScriptReply>;
  restockSet(builtFrom: string, available: string, quantity: number): Promise<ScriptReply>;
  addStock(builtFrom: string, available: string, units: number): Promise<ScriptReply>;
  releaseLock(lock: string, token: string): Promise<number>;
  openGate(lock: string, builtFrom: string, token: string, epoch: string): Promise<number>;
}

type StreamEntry = [id: string, fields: string[]];

/** A script found the gate closed (a rebuild is due or running): nothing was changed. */
const NOT_READY = Symbol('not-ready');

/** (createdAt, orderId) as PostgreSQL orders pages: plain code-unit order, as uuid and ISO text sort. */
const orderKey = (o: Pick<OrderRecord, 'createdAt' | 'orderId'>) => `${o.createdAt}|${o.orderId}`;
const compareOrders = (a: Pick<OrderRecord, 'createdAt' | 'orderId'>, b: typeof a): number =>
  orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0;

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Many API processes, one hot path: each purchase is ONE Lua script on Redis (idempotency key,
 * rules, per-buyer limit, stock, then decrement, buyer total and order event), and a persister
 * inside every process moves the order events into PostgreSQL — the durable source of truth —
 * idempotently, acknowledging only after the commit.
 *
 * Redis holds a cache of PostgreSQL: counters, rules, buyer totals and idempotency keys. When
 * Redis is empty or was built from another database, it is rebuilt from PostgreSQL plus the orders
 * still waiting in the stream, so a wiped Redis never resells what was sold, never lets a buyer
 * past a limit and never lets a retried key sell twice. Operator writes go to PostgreSQL first and
 * then to Redis, under a lock that keeps them from interleaving with each other or a rebuild.
 */
export class RedisInventoryStore implements InventoryStore {
  readonly kind = 'redis';
  private readonly logger = new Logger('RedisStore');
  private readonly durable: PostgresInventoryStore;
  private readonly redis: RedisWithScripts;
  /** Blocking XREADGROUP needs its own connection, or it would stall every purchase. */
  private readonly reader: Redis;
  private readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly keyPrefix: string;
  private readonly idempotencyTtlMs: number;
  private persisting?: Promise<void>;
  private stopping = false;
  private lastPersistError?: string;
  private recovery?: Promise<void>;
  private epochValue?: Promise<string>;

  constructor(private readonly options: RedisStoreOptions) {
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    this.durable = new PostgresInventoryStore({
      connectionString: options.databaseUrl,
      poolSize: options.databasePoolSize,
      idempotencyTtlMs: this.idempotencyTtlMs,
    });
    this.keyPrefix = options.keyPrefix ?? 'gtd:';
    const common = { keyPrefix: this.keyPrefix, lazyConnect: true, maxRetriesPerRequest: 2 };
    this.redis = new Redis(options.redisUrl, common) as RedisWithScripts;
    this.redis.defineCommand('purchase', { numberOfKeys: 7, lua: PURCHASE_LUA });
    this.redis.defineCommand('inventorySnapshot', { numberOfKeys: 3, lua: INVENTORY_LUA });
    this.redis.defineCommand('restockSet', { numberOfKeys: 2, lua: RESTOCK_SET_LUA });
    this.redis.defineCommand('addStock', { numberOfKeys: 2, lua: ADD_STOCK_LUA });
    this.redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK_LUA });
    this.redis.defineCommand('openGate', { numberOfKeys: 2, lua: OPEN_GATE_LUA });
    this.reader = new Redis(options.redisUrl, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.redis, this.reader]) {
      client.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    }
  }

  /** Connects and migrates PostgreSQL; writes nothing to Redis (reconcile relies on that). */
  async init(): Promise<void> {
    await Promise.all([this.redis.connect(), this.reader.connect()]);
    await this.durable.init();
  }

  /**
   * Seeds PostgreSQL when empty, then makes sure Redis is built from it and starts the persister:
   * from here on purchases may run.
   */
  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    const seeded = await this.durable.seedIfEmpty(catalog);
    await this.ready();
    await this.ensureConsumerGroup();
    this.persisting = this.persistLoop();
    return seeded;
  }

  async listProducts(): Promise<ProductRecord[]> {
    const products = await this.durable.listProducts();
    const counters = await this.counters(products.map((p) => p.id));
    return products.map((p, i) => ({ ...p, available: counters[i] ?? 0 }));
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const [product, [counter]] = await Promise.all([
      this.durable.findProduct(productId),
      this.counters([productId]),
    ]);
    return product && { ...product, available: counter ?? 0 };
  }

  /** The poll: one script, counter and rules from one consistent view of Redis. */
  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.redis.inventorySnapshot(
        RedisKeys.builtFrom,
        RedisKeys.available(productId),
        RedisKeys.rules(productId),
      );
      if (reply[0] === 'missing') return undefined;
      if (reply[0] === 'found') {
        const [, available, paused, starts, ends, limit] = reply.map(String);
        return { available: Number(available), ...decodeRules(paused, starts, ends, limit) };
      }
      await this.afterNotReady(attempt);
    }
  }

  async purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.purchaseOnce(command);
      if (outcome !== NOT_READY) return outcome;
      // The gate was closed, so nothing happened: wait for (or run) the rebuild and decide again.
      await this.afterNotReady(attempt);
    }
  }

  private async purchaseOnce(command: PurchaseCommand): Promise<PurchaseOutcome | typeof NOT_READY> {
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    const orderId = randomUUID();
    const createdAt = new Date(nowMs).toISOString();
    const reply = await this.redis.purchase(
      RedisKeys.builtFrom,
      RedisKeys.available(productId),
      RedisKeys.rules(productId),
      RedisKeys.buyers(productId),
      RedisKeys.idempotency(idempotencyScope(buyerId), idempotencyKey ?? ''),
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
        // Same key scope means same buyer, same fingerprint means same product and quantity.
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
        if (code === ErrorCode.ProductNotFound) return PRODUCT_NOT_FOUND;
        const rejection = {
          ok: false as const,
          code: code as PurchaseRejectionCode,
          available: Number(available),
        };
        if (!ANSWERED_WITH_RULES.has(code)) return rejection;
        const rules = decodeRules(paused, starts, ends, limit);
        return code === ErrorCode.LimitReached
          ? { ...rejection, bought: Number(bought), rules }
          : { ...rejection, rules };
      }
      default:
        return NOT_READY;
    }
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const pending = await this.redis.hget(RedisKeys.pending, orderId);
    if (pending !== null) return decodePending(orderId, pending).order;
    return this.durable.findOrder(orderId);
  }

  /**
   * PostgreSQL's page merged with the orders still waiting in Redis, so an operator sees a sale at
   * once. Waiting orders are read first: one stored in between is then in both (kept once), never
   * in neither. Reads the whole pending hash: fine for operators, not for a hot path.
   */
  async listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    const cursor = after === null ? undefined : decodeOrderCursor(after);
    if (after !== null && !cursor) throw new Error('Invalid orders cursor');
    const waiting = (await this.pendingOrders())
      .map((p) => p.order)
      .filter((o) => o.productId === productId && (!cursor || compareOrders(o, cursor) > 0));
    const page = await this.durable.listOrders(productId, limit, after);
    const onPage = new Set(page.items.map((o) => o.orderId));
    const merged = [...page.items, ...waiting.filter((o) => !onPage.has(o.orderId))].sort(compareOrders);
    const items = merged.slice(0, limit);
    const more = merged.length > limit || page.nextCursor !== null;
    return { items, nextCursor: more ? encodeOrderCursor(items[items.length - 1]) : null };
  }

  /**
   * PostgreSQL's figures with the orders still waiting in Redis counted in, in one statement, so
   * stock = available + sold holds within the answer. Waiting orders are read first: one stored in
   * between is counted once (as stored); one sold after this read is not counted yet, on either side.
   */
  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const waiting = (await this.pendingOrders()).map((p) => p.order).filter((o) => o.productId === productId);
    return this.durable.salesSummary(productId, waiting);
  }

  /**
   * Kept in PostgreSQL, not Redis: the service already batches them (about one write a second per
   * process, off the purchase path), they then survive a Redis wipe without being rebuilt, and the
   * summary reads them in the same statement as the sales.
   */
  recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    return this.durable.recordRejections(counts);
  }

  /** PostgreSQL assigns the id; then Redis gets the counter and rules, so purchases find it. */
  async createProduct(product: NewProduct): Promise<ProductRecord> {
    await this.ready();
    return this.withMaintenanceLock(async () => {
      const created = await this.durable.createProduct(product);
      await this.redis
        .multi()
        .set(RedisKeys.available(created.id), created.available)
        .hset(RedisKeys.rules(created.id), encodeRules(created))
        .exec();
      return created;
    });
  }

  /**
   * PostgreSQL first (the truth), then the rules hash every API process reads at its next purchase.
   * The lock keeps two operators (or a rebuild) from writing Redis in the opposite order to
   * PostgreSQL. A crash in between leaves Redis with the old rules until the next update or
   * `reconcile --repair` (reconcile reports it).
   */
  async updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    await this.ready();
    return this.withMaintenanceLock(async () => {
      const updated = await this.durable.updateProduct(productId, patch);
      if (!updated) return undefined;
      await this.redis.hset(RedisKeys.rules(productId), encodeRules(updated));
      const [counter] = await this.counters([productId]);
      return { ...updated, available: counter ?? 0 };
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
  async restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    await this.ready();
    return this.withMaintenanceLock(async () => {
      if (restock.mode === 'add') return this.addUnits(productId, restock.quantity);
      const reply = await this.redis.restockSet(
        RedisKeys.builtFrom,
        RedisKeys.available(productId),
        restock.quantity,
      );
      if (reply[0] === 'not-ready') throw new Error('Redis lost its data during the restock; try again');
      if (reply[0] === 'missing') {
        if (!(await this.durable.findProduct(productId))) return undefined;
        throw new Error(`Product ${productId} has no Redis counter; run reconcile --repair`);
      }
      const delta = Number(reply[1]);
      if (reply[0] === 'deferred') return this.addUnits(productId, delta);
      const updated = await this.durable.restock(productId, { mode: 'add', quantity: delta });
      return updated && { ...updated, available: restock.quantity };
    });
  }

  /** PostgreSQL then Redis (see `restock`); the counter is skipped when a rebuild will count them. */
  private async addUnits(productId: number, units: number): Promise<ProductRecord | undefined> {
    const updated = await this.durable.restock(productId, { mode: 'add', quantity: units });
    if (!updated) return undefined;
    const reply = await this.redis.addStock(RedisKeys.builtFrom, RedisKeys.available(productId), units);
    return { ...updated, available: reply[0] === 'applied' ? Number(reply[1]) : updated.available };
  }

  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    return this.durable.appendAudit(entry);
  }

  listAudit(limit: number, before: string | null): Promise<AuditRecord[]> {
    return this.durable.listAudit(limit, before);
  }

  createBuyer(buyer: BuyerRecord): Promise<boolean> {
    return this.durable.createBuyer(buyer);
  }

  findBuyerByEmail(email: string): Promise<BuyerRecord | undefined> {
    return this.durable.findBuyerByEmail(email);
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

  /**
   * Per-product comparison of Redis with PostgreSQL, for `npm run reconcile`. With `repair`, Redis
   * is rebuilt first (under the maintenance lock, the gate closed while it runs).
   */
  async reconcile(repair: boolean): Promise<ReconcileRow[]> {
    if (repair) {
      const epoch = await this.epoch();
      await this.withMaintenanceLock((token) => this.rebuild(epoch, token));
    }
    // Raw reads on purpose: a report must show a wiped Redis as it is, not heal it on the way.
    const pending = await this.pendingOrders();
    const snapshot = await readDurableSnapshot(
      this.options.databaseUrl,
      pending.map((p) => p.order.orderId),
      null,
    );
    const sold = soldByProduct(snapshot, pending);
    const ids = snapshot.products.map((p) => p.id);
    const counters = ids.length > 0 ? await this.redis.mget(ids.map((id) => RedisKeys.available(id))) : [];
    const rulesPipeline = this.redis.pipeline();
    for (const id of ids) rulesPipeline.hmget(RedisKeys.rules(id), 'paused', 'starts', 'ends', 'limit');
    const rules = ids.length > 0 ? ((await rulesPipeline.exec()) ?? []) : [];
    return snapshot.products.map((p, i) => {
      const counter = counters[i];
      const redisAvailable = counter === null || counter === undefined ? null : Number(counter);
      const expectedAvailable = p.stock - (sold.get(p.id) ?? 0);
      const [error, fields] = rules[i] ?? [null, null];
      if (error) throw error;
      const [paused, starts, ends, limit] = fields as (string | null)[];
      const rulesAgree = sameRules(decodeRules(paused, starts, ends, limit), p);
      return {
        productId: p.id,
        name: p.name,
        stock: p.stock,
        sold: sold.get(p.id) ?? 0,
        redisAvailable,
        postgresAvailable: p.storedAvailable,
        expectedAvailable,
        rulesAgree,
        agree: redisAvailable === expectedAvailable && rulesAgree,
      };
    });
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

  private epoch(): Promise<string> {
    this.epochValue ??= this.durable.epoch().catch((error: unknown) => {
      this.epochValue = undefined;
      throw error;
    });
    return this.epochValue;
  }

  /** Stock counters (null where missing), waiting for a rebuild first if one is due. */
  private async counters(productIds: readonly number[]): Promise<(number | null)[]> {
    if (productIds.length === 0) return [];
    for (let attempt = 0; ; attempt++) {
      const replies = await this.redis
        .multi()
        .exists(RedisKeys.builtFrom)
        .mget(productIds.map((id) => RedisKeys.available(id)))
        .exec();
      const [[, open], [, values]] = replies as [[Error | null, number], [Error | null, (string | null)[]]];
      if (open === 1) return values.map((v) => (v === null ? null : Number(v)));
      await this.afterNotReady(attempt);
    }
  }

  /** A script met a closed gate: make Redis ready (once per process at a time), a few times at most. */
  private async afterNotReady(attempt: number): Promise<void> {
    if (attempt >= 3) throw new Error('Redis keys are being rebuilt; try again shortly');
    await this.ready();
  }

  /**
   * Resolves when Redis is built from this PostgreSQL database, rebuilding it first when it is
   * empty, half-built or another database's. Concurrent callers in this process share one attempt;
   * other processes wait on the maintenance lock.
   */
  private ready(): Promise<void> {
    this.recovery ??= this.ensureBuilt().finally(() => {
      this.recovery = undefined;
    });
    return this.recovery;
  }

  private async ensureBuilt(): Promise<void> {
    const epoch = await this.epoch();
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await this.redis.get(RedisKeys.builtFrom)) !== epoch) {
      const token = await this.tryLock();
      if (token !== undefined) {
        try {
          // Checked again under the lock: another process may have just finished.
          if ((await this.redis.get(RedisKeys.builtFrom)) !== epoch) {
            this.logger.warn(
              'Redis is empty or was built from another database; rebuilding it from PostgreSQL',
            );
            await this.rebuild(epoch, token);
          }
        } finally {
          await this.redis.releaseLock(RedisKeys.maintenanceLock, token);
        }
        return;
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another process to rebuild Redis');
      await sleep(50);
    }
  }

  private async tryLock(): Promise<string | undefined> {
    const token = `${this.consumer}:${randomUUID()}`;
    const locked = await this.redis.set(RedisKeys.maintenanceLock, token, 'PX', LOCK_MS, 'NX');
    return locked === 'OK' ? token : undefined;
  }

  /**
   * Runs an operator write or a repair alone: no other one, and no rebuild, in any process. Callers
   * make Redis ready BEFORE taking it (a rebuild needs the same lock).
   */
  private async withMaintenanceLock<T>(work: (token: string) => Promise<T>): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let token = await this.tryLock();
    while (token === undefined) {
      if (Date.now() > deadline) throw new Error('Timed out waiting for the Redis maintenance lock');
      await sleep(20);
      token = await this.tryLock();
    }
    try {
      return await work(token);
    } finally {
      await this.redis.releaseLock(RedisKeys.maintenanceLock, token);
    }
  }

  /**
   * Rebuilds every key derived from PostgreSQL. The gate is closed first, so from then on no script
   * sells, replays or restocks; the waiting orders are then final, and PostgreSQL is read in one
   * snapshot. Buyer totals and keys are written before counters only for tidiness — the gate,
   * opened last and only while the lock is still ours, is what makes the new state appear at once.
   */
  private async rebuild(epoch: string, token: string): Promise<void> {
    await this.redis.del(RedisKeys.builtFrom);
    for (const pattern of DERIVED_KEY_PATTERNS) await this.deleteMatching(pattern);
    const pending = await this.pendingOrders();
    const snapshot = await readDurableSnapshot(
      this.options.databaseUrl,
      pending.map((p) => p.order.orderId),
      Date.now() - this.idempotencyTtlMs - KEY_GRACE_MS,
    );
    if (snapshot.epoch !== epoch) throw new Error('PostgreSQL changed identity during the Redis rebuild');
    const state = deriveRedisState(snapshot, pending);

    const writes: ((pipeline: ReturnType<Redis['pipeline']>) => void)[] = [];
    for (const [productId, totals] of state.buyerTotals) {
      const entries = [...totals];
      for (let i = 0; i < entries.length; i += WRITE_BATCH) {
        const chunk = Object.fromEntries(entries.slice(i, i + WRITE_BATCH));
        writes.push((p) => p.hset(RedisKeys.buyers(productId), chunk));
      }
    }
    const now = Date.now();
    const maxLifetime = this.idempotencyTtlMs + KEY_GRACE_MS;
    for (const [name, fields] of state.keys) {
      const lifetime = Math.min(maxLifetime, Number(fields.t) + maxLifetime - now);
      if (lifetime > 0) writes.push((p) => p.hset(name, fields).pexpire(name, lifetime));
    }
    for (const { id, available, rules } of state.products) {
      writes.push((p) =>
        p.set(RedisKeys.available(id), available).hset(RedisKeys.rules(id), encodeRules(rules)),
      );
    }
    for (let i = 0; i < writes.length; i += WRITE_BATCH) {
      const pipeline = this.redis.pipeline();
      for (const write of writes.slice(i, i + WRITE_BATCH)) write(pipeline);
      await this.execAll(pipeline);
    }
    await this.ensureConsumerGroup();
    if ((await this.redis.openGate(RedisKeys.maintenanceLock, RedisKeys.builtFrom, token, epoch)) !== 1) {
      throw new Error('The Redis rebuild outlived its lock; another process is rebuilding');
    }
    this.logger.log(
      `Rebuilt Redis from PostgreSQL: ${state.products.length} products, ${state.keys.size} idempotency keys, ` +
        `${[...state.buyerTotals.values()].reduce((n, t) => n + t.size, 0)} buyer totals ` +
        `(${pending.length} orders still waiting in Redis)`,
    );
  }

  private async execAll(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /** Deletes this store's keys matching a pattern (SCAN does not apply the key prefix by itself). */
  private async deleteMatching(pattern: string): Promise<void> {
    const match = `${escapeGlob(this.keyPrefix)}${pattern}`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', WRITE_BATCH);
      if (keys.length > 0) await this.redis.unlink(...keys.map((k) => k.slice(this.keyPrefix.length)));
      cursor = next;
    } while (cursor !== '0');
  }

  private async pendingOrders(): Promise<QueuedOrder[]> {
    const pending = await this.redis.hgetall(RedisKeys.pending);
    return Object.entries(pending).map(([orderId, encoded]) => decodePending(orderId, encoded));
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
    let lastSweep = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - lastClaim >= (this.options.claimIdleMs ?? 10_000) / 2) {
          lastClaim = Date.now();
          await this.claimAbandoned(batch);
        }
        if (Date.now() - lastSweep >= KEY_SWEEP_INTERVAL_MS) {
          // PostgreSQL's copy of the keys only serves rebuilds; Redis expires its own.
          lastSweep = Date.now();
          await this.durable.deleteExpiredKeys(lastSweep);
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
        if (this.lastPersistError.includes('NOGROUP')) {
          await this.ready()
            .then(() => this.ensureConsumerGroup())
            .catch(() => undefined);
        }
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
    const events = entries.map(([, fields]) => decodeOrderEvent(fields));
    await this.durable.persistOrders(events);
    const ids = entries.map(([id]) => id);
    await this.redis
      .multi()
      .xack(RedisKeys.orders, PERSISTER_GROUP, ...ids)
      .xdel(RedisKeys.orders, ...ids)
      .hdel(RedisKeys.pending, ...events.map((e) => e.order.orderId))
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
  /** Redis's rules hash says what PostgreSQL's product row says. */
  rulesAgree: boolean;
  agree: boolean;
}
