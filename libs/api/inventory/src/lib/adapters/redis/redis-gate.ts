import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresOrderLedger } from '../postgres/postgres-ledger';
import { RedisConnection, WRITE_BATCH } from './redis-connection';
import { encodeRules } from './redis-records';
import { deriveRedisState } from './redis-rebuild';
import { DERIVED_KEY_PATTERNS, RedisKeys } from './redis-scripts';

/**
 * Keys live this much longer in Redis than their TTL: expiry is judged against the caller's clock
 * in the script, so Redis's own expiry is only garbage collection and must never come first.
 */
export const KEY_GRACE_MS = 3600_000;
/** A rebuild or operator write holds the maintenance lock at most this long. */
const LOCK_MS = 60_000;
/** How long an operator write, or a purchase meeting a rebuild, waits for the lock. */
const LOCK_WAIT_MS = 30_000;

/**
 * The gate and the maintenance lock. Redis holds a cache of PostgreSQL: counters, rules, buyer
 * totals and idempotency keys. When Redis is empty or was built from another database, it is
 * rebuilt from PostgreSQL plus the orders still waiting in the stream, behind a closed gate, so a
 * wiped Redis never resells what was sold, never lets a buyer past a limit and never lets a
 * retried key sell twice. Operator writes and rebuilds take the same lock, so they never interleave.
 */
export class RedisGate {
  private readonly logger = new Logger('RedisStore');
  private recovery?: Promise<void>;
  private epochValue?: Promise<string>;

  constructor(
    private readonly connection: RedisConnection,
    private readonly ledger: PostgresOrderLedger,
    private readonly idempotencyTtlMs: number,
  ) {}

  /** PostgreSQL's identity, read once per process (it never changes under a running database). */
  epoch(): Promise<string> {
    this.epochValue ??= this.ledger.epoch().catch((error: unknown) => {
      this.epochValue = undefined;
      throw error;
    });
    return this.epochValue;
  }

  /**
   * Resolves when Redis is built from this PostgreSQL database, rebuilding it first when it is
   * empty, half-built or another database's. Concurrent callers in this process share one attempt;
   * other processes wait on the maintenance lock.
   */
  ready(): Promise<void> {
    this.recovery ??= this.ensureBuilt().finally(() => {
      this.recovery = undefined;
    });
    return this.recovery;
  }

  /** A script met a closed gate: make Redis ready (once per process at a time), a few times at most. */
  async afterNotReady(attempt: number): Promise<void> {
    if (attempt >= 3) throw new Error('Redis keys are being rebuilt; try again shortly');
    await this.ready();
  }

  /** Stock counters (null where missing), waiting for a rebuild first if one is due. */
  async counters(productIds: readonly number[]): Promise<(number | null)[]> {
    if (productIds.length === 0) return [];
    for (let attempt = 0; ; attempt++) {
      const replies = await this.connection.redis
        .multi()
        .exists(RedisKeys.builtFrom)
        .mget(productIds.map((id) => RedisKeys.available(id)))
        .exec();
      const [[, open], [, values]] = replies as [[Error | null, number], [Error | null, (string | null)[]]];
      if (open === 1) return values.map((v) => (v === null ? null : Number(v)));
      await this.afterNotReady(attempt);
    }
  }

  /**
   * Runs an operator write or a repair alone: no other one, and no rebuild, in any process. Callers
   * make Redis ready BEFORE taking it (a rebuild needs the same lock).
   */
  async withMaintenanceLock<T>(work: (token: string) => Promise<T>): Promise<T> {
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
      await this.connection.redis.releaseLock(RedisKeys.maintenanceLock, token);
    }
  }

  /** `reconcile --repair`: rebuilds Redis now, whatever state it is in, alone. */
  async repair(): Promise<void> {
    const epoch = await this.epoch();
    await this.withMaintenanceLock((token) => this.rebuild(epoch, token));
  }

  private async ensureBuilt(): Promise<void> {
    const { redis } = this.connection;
    const epoch = await this.epoch();
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await redis.get(RedisKeys.builtFrom)) !== epoch) {
      const token = await this.tryLock();
      if (token !== undefined) {
        try {
          // Checked again under the lock: another process may have just finished.
          if ((await redis.get(RedisKeys.builtFrom)) !== epoch) {
            this.logger.warn(
              'Redis is empty or was built from another database; rebuilding it from PostgreSQL',
            );
            await this.rebuild(epoch, token);
          }
        } finally {
          await redis.releaseLock(RedisKeys.maintenanceLock, token);
        }
        return;
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another process to rebuild Redis');
      await sleep(50);
    }
  }

  private async tryLock(): Promise<string | undefined> {
    const token = `${this.connection.consumer}:${randomUUID()}`;
    const locked = await this.connection.redis.set(RedisKeys.maintenanceLock, token, 'PX', LOCK_MS, 'NX');
    return locked === 'OK' ? token : undefined;
  }

  /**
   * Rebuilds every key derived from PostgreSQL. The gate is closed first, so from then on no script
   * sells, replays or restocks; the waiting orders are then final, and PostgreSQL is read in one
   * snapshot. Buyer totals and keys are written before counters only for tidiness — the gate,
   * opened last and only while the lock is still ours, is what makes the new state appear at once.
   *
   * Cancels: no cancel script runs behind the closed gate either. A rebuild runs when Redis lost
   * its data (the stream and the pending hashes went with it, so every sale and cancel Redis had
   * not stored is lost alike; with the required AOF + fsync a crash loses none), was half-built
   * (stream and pending hashes intact: the waiting cancels are counted, see `deriveRedisState`),
   * or belongs to another database. Either way counters, buyer totals and the cancelled hash come
   * out as PostgreSQL plus the events still waiting imply.
   */
  private async rebuild(epoch: string, token: string): Promise<void> {
    const { redis } = this.connection;
    await redis.del(RedisKeys.builtFrom);
    for (const pattern of DERIVED_KEY_PATTERNS) await this.connection.deleteMatching(pattern);
    const waiting = await this.connection.waitingEvents();
    const snapshot = await this.ledger.snapshot(
      [...waiting.orders.map((p) => p.order.orderId), ...waiting.cancels.map((c) => c.orderId)],
      Date.now() - this.idempotencyTtlMs - KEY_GRACE_MS,
    );
    if (snapshot.epoch !== epoch) throw new Error('PostgreSQL changed identity during the Redis rebuild');
    const state = deriveRedisState(snapshot, waiting);

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
    for (const { id, available, rules, price } of state.products) {
      writes.push((p) =>
        p.set(RedisKeys.available(id), available).hset(RedisKeys.rules(id), encodeRules(rules, price)),
      );
    }
    // The cancelled hash is written aside and renamed over the live one, never cleared first:
    // reads (which pass no gate) show cancels all the while.
    await redis.del(RedisKeys.cancelledRebuild);
    const cancels = [...state.cancelled];
    for (let i = 0; i < cancels.length; i += WRITE_BATCH) {
      const chunk = Object.fromEntries(cancels.slice(i, i + WRITE_BATCH));
      writes.push((p) => p.hset(RedisKeys.cancelledRebuild, chunk));
    }
    for (let i = 0; i < writes.length; i += WRITE_BATCH) {
      const pipeline = redis.pipeline();
      for (const write of writes.slice(i, i + WRITE_BATCH)) write(pipeline);
      await this.connection.execAll(pipeline);
    }
    if (cancels.length > 0) await redis.rename(RedisKeys.cancelledRebuild, RedisKeys.cancelled);
    else await redis.del(RedisKeys.cancelled);
    await this.connection.ensureConsumerGroup();
    if ((await redis.openGate(RedisKeys.maintenanceLock, RedisKeys.builtFrom, token, epoch)) !== 1) {
      throw new Error('The Redis rebuild outlived its lock; another process is rebuilding');
    }
    this.logger.log(
      `Rebuilt Redis from PostgreSQL: ${state.products.length} products, ${state.keys.size} idempotency keys, ` +
        `${[...state.buyerTotals.values()].reduce((n, t) => n + t.size, 0)} buyer totals, ` +
        `${state.cancelled.size} cancels (${waiting.orders.length} orders and ${waiting.cancels.length} ` +
        'cancels still waiting in Redis)',
    );
  }
}
