import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { KEY_SWEEP_INTERVAL_MS } from '../../purchase-rules';
import { DependencyHealth } from '../../stores';
import { PostgresOrderLedger } from '../postgres/postgres-ledger';
import { RedisConnection } from './redis-connection';
import { RedisGate } from './redis-gate';
import { decodeStreamEvent, QueuedCancel, QueuedOrder } from './redis-records';
import { PERSISTER_GROUP, RedisKeys } from './redis-scripts';

type StreamEntry = [id: string, fields: string[]];

/** SQLSTATE check_violation: here, a product's `available >= 0`. */
const CHECK_VIOLATION = '23514';

/**
 * Moves the order events (sales and cancels) from Redis into PostgreSQL — the durable source of truth — in every API
 * process: reads new events, stores them, then acknowledges and deletes them, in that order, so a
 * crash at any point leaves the events in the stream for this or another worker to store again
 * (idempotently). Entries a dead worker held are claimed after `claimIdleMs`.
 *
 * After a failure it is down until it has proved otherwise: it first stores the entries it read
 * but could not store (its own pending ones, re-read at once rather than after `claimIdleMs`),
 * and when none are left, PostgreSQL must answer. An idle pass of the loop (no new events) proves
 * nothing, so it no longer clears the error while PostgreSQL is still down.
 */
export class RedisPersister {
  private readonly logger = new Logger('RedisStore');
  private running?: Promise<void>;
  private stopping = false;
  private lastError?: string;

  constructor(
    private readonly connection: RedisConnection,
    private readonly ledger: PostgresOrderLedger,
    private readonly gate: RedisGate,
    private readonly options: { claimIdleMs?: number; persistBatchSize?: number },
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Order events not yet acknowledged as stored in PostgreSQL. */
  backlog(): Promise<number> {
    return this.connection.redis.xlen(RedisKeys.orders);
  }

  /** Up or down, with the backlog either way: an operator watches it grow during an outage. */
  async health(): Promise<DependencyHealth> {
    let backlog: number;
    try {
      backlog = await this.backlog();
    } catch (error) {
      return {
        name: 'persister',
        up: false,
        details: { error: `backlog unknown: ${(error as Error).message}` },
      };
    }
    const error = this.lastError;
    return error === undefined
      ? { name: 'persister', up: true, details: { backlog } }
      : { name: 'persister', up: false, details: { backlog, error } };
  }

  /** Stops reading; what this process read but could not store stays pending for another worker. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.connection.disconnectReader();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    const batch = this.options.persistBatchSize ?? 500;
    const claimIdleMs = this.options.claimIdleMs ?? 10_000;
    let lastClaim = 0;
    let lastSweep = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - lastClaim >= claimIdleMs / 2) {
          lastClaim = Date.now();
          await this.claimAbandoned(batch, claimIdleMs);
        }
        if (Date.now() - lastSweep >= KEY_SWEEP_INTERVAL_MS) {
          // PostgreSQL's copy of the keys only serves rebuilds; Redis expires its own.
          lastSweep = Date.now();
          await this.ledger.deleteExpiredKeys(lastSweep);
        }
        const recovering = this.lastError !== undefined;
        // Recovering: this consumer's own unacknowledged entries ('0', no blocking); else new ones.
        const { reader, consumer } = this.connection;
        const reply = (
          recovering
            ? await reader.xreadgroup(
                'GROUP',
                PERSISTER_GROUP,
                consumer,
                'COUNT',
                batch,
                'STREAMS',
                RedisKeys.orders,
                '0',
              )
            : await reader.xreadgroup(
                'GROUP',
                PERSISTER_GROUP,
                consumer,
                'COUNT',
                batch,
                'BLOCK',
                500,
                'STREAMS',
                RedisKeys.orders,
                '>',
              )
        ) as [string, (StreamEntry | [string, null])[]][] | null;
        // An entry deleted from the stream but still pending comes back without fields: skip it.
        const entries = (reply?.[0]?.[1] ?? []).filter((e): e is StreamEntry => e[1] !== null);
        await this.store(entries);
        if (recovering && entries.length === 0) {
          // Nothing of its own left to store: up again only once PostgreSQL answers.
          await this.ledger.epoch();
          this.lastError = undefined;
        }
      } catch (error) {
        if (this.stopping) return;
        this.lastError = (error as Error).message;
        this.logger.warn(`Persister: ${this.lastError}; retrying`);
        if (this.lastError.includes('NOGROUP')) {
          await this.gate
            .ready()
            .then(() => this.connection.ensureConsumerGroup())
            .catch(() => undefined);
        }
        await sleep(500);
      }
    }
  }

  private async claimAbandoned(batch: number, claimIdleMs: number): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.connection.redis.xautoclaim(
        RedisKeys.orders,
        PERSISTER_GROUP,
        this.connection.consumer,
        claimIdleMs,
        cursor,
        'COUNT',
        batch,
      )) as [string, (StreamEntry | null)[]];
      await this.store(entries.filter((e): e is StreamEntry => e !== null));
      cursor = next;
    } while (cursor !== '0-0' && !this.stopping);
  }

  /**
   * One batch in one PostgreSQL transaction, or entry by entry when the batch would take a
   * product's available below zero. That happens when Redis resold units a cancel gave back and
   * the cancel sits in a batch another worker has not stored yet: this batch waits for it, and two
   * such batches could wait for each other (each holding the cancel the other's sale needs, on
   * different products). Entry by entry, in stream order, every cancel is stored (a cancel only
   * gives units back) and every sale whose cancel is stored; the rest stay pending for the retry.
   */
  private async store(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.storeTogether(entries);
    } catch (error) {
      if (entries.length === 1 || (error as { code?: unknown }).code !== CHECK_VIOLATION) throw error;
      let first: unknown;
      for (const entry of entries) {
        await this.storeTogether([entry]).catch((failed: unknown) => {
          first ??= failed;
        });
      }
      if (first !== undefined) throw first;
    }
  }

  /**
   * In one PostgreSQL transaction (see `PostgresOrderLedger.persistEvents` for how a cancel and
   * its sale meet, in whichever batches and order they arrive), then acknowledged.
   */
  private async storeTogether(entries: StreamEntry[]): Promise<void> {
    const sales: QueuedOrder[] = [];
    const cancels: QueuedCancel[] = [];
    for (const [, fields] of entries) {
      const event = decodeStreamEvent(fields);
      if (event.sale) sales.push(event.sale);
      else cancels.push(event.cancel);
    }
    await this.ledger.persistEvents(sales, cancels);
    const ids = entries.map(([id]) => id);
    const done = this.connection.redis
      .multi()
      .xack(RedisKeys.orders, PERSISTER_GROUP, ...ids)
      .xdel(RedisKeys.orders, ...ids);
    if (sales.length > 0) done.hdel(RedisKeys.pending, ...sales.map((e) => e.order.orderId));
    if (cancels.length > 0) done.hdel(RedisKeys.pendingCancels, ...cancels.map((c) => c.orderId));
    await done.exec();
  }
}
