import { Logger } from '@nestjs/common';
import type { RedisDurabilityMode } from '@gtd/api-platform';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { decodePending, decodePendingCancel, QueuedOrder } from './redis-records';
import type { WaitingEvents } from './redis-rebuild';
import {
  ADD_STOCK_LUA,
  CANCEL_ORDER_LUA,
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
  /** What Redis's persistence must be to sell on it (see `assessDurability`); `require` when unset. */
  durability?: RedisDurabilityMode;
}

export type ScriptReply = (string | number)[];

export interface RedisWithScripts extends Redis {
  purchase(...keysThenArgs: (string | number)[]): Promise<ScriptReply>;
  cancelOrder(...keysThenArgs: (string | number)[]): Promise<ScriptReply>;
  inventorySnapshot(builtFrom: string, available: string, rules: string): Promise<ScriptReply>;
  restockSet(builtFrom: string, available: string, quantity: number): Promise<ScriptReply>;
  addStock(builtFrom: string, available: string, units: number): Promise<ScriptReply>;
  releaseLock(lock: string, token: string): Promise<number>;
  openGate(lock: string, builtFrom: string, token: string, epoch: string): Promise<number>;
}

/** Commands per pipeline when a rebuild writes or clears many keys. */
export const WRITE_BATCH = 1000;

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Rejects the commands a dropped connection wrote and got no reply for. Without resend, ioredis
 * 6.0.0 stashes them at the drop and forgets them unsettled once reconnected (redis/ioredis#2193,
 * fixed upstream by #2194): a purchase would wait forever. ioredis emits `close` on the next tick,
 * before any reconnect, while they are still in its command queue; the offline queue (never
 * written) is left to be sent after the reconnect.
 */
function rejectUnansweredOnClose(redis: Redis): void {
  const queues = redis as unknown as {
    flushQueue(error: Error, options: { offlineQueue: boolean; commandQueue: boolean }): void;
  };
  redis.on('close', () =>
    queues.flushQueue(new Error('Connection is closed.'), { offlineQueue: false, commandQueue: true }),
  );
}

/**
 * The process's two Redis connections with the adapter's scripts defined, and the reads every part
 * of the adapter shares (pending orders, prefix-aware key scans).
 */
export class RedisConnection {
  readonly redis: RedisWithScripts;
  /** Blocking XREADGROUP needs its own connection, or it would stall every purchase. */
  readonly reader: Redis;
  /** This process as a consumer of the order stream (unique per start). */
  readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly keyPrefix: string;
  private readonly logger = new Logger('RedisStore');

  constructor(options: Pick<RedisStoreOptions, 'redisUrl' | 'keyPrefix'>) {
    this.keyPrefix = options.keyPrefix ?? 'gtd:';
    const common = { keyPrefix: this.keyPrefix, lazyConnect: true, maxRetriesPerRequest: 2 };
    // Never send a command again after a reconnect (ioredis does by default): one written before
    // the connection dropped may have run with its reply lost, and a purchase script run twice is
    // two units sold for one answer. It fails instead ("Connection is closed.": in doubt, see
    // redisFault). The reader keeps the default: XREADGROUP read twice sells nothing, entries
    // whose reply was lost stay pending and are stored later.
    this.redis = new Redis(options.redisUrl, {
      ...common,
      autoResendUnfulfilledCommands: false,
    }) as RedisWithScripts;
    rejectUnansweredOnClose(this.redis);
    this.redis.defineCommand('purchase', { numberOfKeys: 7, lua: PURCHASE_LUA });
    this.redis.defineCommand('cancelOrder', { numberOfKeys: 6, lua: CANCEL_ORDER_LUA });
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

  async connect(): Promise<void> {
    await Promise.all([this.redis.connect(), this.reader.connect()]);
  }

  async pendingOrders(): Promise<QueuedOrder[]> {
    const pending = await this.redis.hgetall(RedisKeys.pending);
    return Object.entries(pending).map(([orderId, encoded]) => decodePending(orderId, encoded));
  }

  /** The sales and cancels not yet stored in PostgreSQL, read in one step (one view of Redis). */
  async waitingEvents(): Promise<WaitingEvents> {
    const replies =
      (await this.redis.multi().hgetall(RedisKeys.pending).hgetall(RedisKeys.pendingCancels).exec()) ?? [];
    const [orders, cancels] = replies.map(([error, value]) => {
      if (error) throw error;
      return Object.entries(value as Record<string, string>);
    });
    return {
      orders: orders.map(([orderId, encoded]) => decodePending(orderId, encoded)),
      cancels: cancels.map(([orderId, encoded]) => decodePendingCancel(orderId, encoded)),
    };
  }

  async ensureConsumerGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', RedisKeys.orders, PERSISTER_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error as Error).message.includes('BUSYGROUP')) throw error;
    }
  }

  async execAll(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /** Deletes this store's keys matching a pattern (SCAN does not apply the key prefix by itself). */
  async deleteMatching(pattern: string): Promise<void> {
    const match = `${escapeGlob(this.keyPrefix)}${pattern}`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', WRITE_BATCH);
      if (keys.length > 0) await this.redis.unlink(...keys.map((k) => k.slice(this.keyPrefix.length)));
      cursor = next;
    } while (cursor !== '0');
  }

  /**
   * Stops the blocking reader at once; the command connection finishes what it was sent. A read
   * in flight when Redis dropped is stashed by ioredis 6.0.0 (`prevCommandQueue`) to be resent on
   * the reconnect, and a disconnect before that reconnect never settles it: the persister's
   * blocked XREADGROUP would keep `stop` waiting forever. It is rejected here (reading again later
   * is harmless: unacknowledged entries stay pending).
   */
  disconnectReader(): void {
    const { prevCommandQueue: stashed } = this.reader as unknown as {
      prevCommandQueue?: { shift(): { command: { reject(error: Error): void } } | undefined } | null;
    };
    this.reader.disconnect();
    for (let item = stashed?.shift(); item; item = stashed?.shift()) {
      item.command.reject(new Error('Connection is closed.'));
    }
  }

  async quit(): Promise<void> {
    await this.redis.quit();
  }
}
