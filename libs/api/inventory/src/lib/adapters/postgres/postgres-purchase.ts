import { DependencyUnavailable } from '@gtd/api-platform';
import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import {
  idempotencyFingerprint,
  KEY_SWEEP_INTERVAL_MS,
  answersWithRules,
  rejectionOf,
} from '../../purchase-rules';
import { GroupCommit } from '../group-commit';
import { PostgresDatabase, timestamp } from './postgres-database';
import { deleteExpiredKeys } from './postgres-ledger';
import { RULE_COLUMNS, RuleRow, toRules } from './postgres-rows';
import { newOrderId } from '../../order-id';

/** One round trip for the whole batch; see `gtd_purchase_batch` in postgres-schema.ts. */
const PURCHASE_BATCH_SQL = `SELECT outcome, available, order_id, created_at, bought, ${RULE_COLUMNS}
  FROM gtd_purchase_batch($1::bigint[], $2::integer[], $3::uuid[], $4::text[], $5::text[], $6::text[],
    $7::timestamptz[], $8::bigint * interval '1 millisecond', $9::uuid[])`;

/**
 * Purchases per round trip at most: a batch holds its products' row locks until it commits, so
 * an unbounded one would make the next buyers (and the other processes) wait for all of it.
 */
export const POSTGRES_MAX_BATCH = 256;

/** A batch that lost a deadlock was rolled back whole; it is sent again this many times. */
const DEADLOCK_RETRIES = 3;
const DEADLOCK_DETECTED = '40P01';

interface PurchaseRow extends RuleRow {
  outcome: 'SOLD' | 'REPLAYED' | typeof ErrorCode.IdempotencyKeyMismatch | PurchaseRejectionCode;
  available: number;
  order_id: string | null;
  created_at: Date | null;
  bought: number | null;
}

const isDeadlock = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === DEADLOCK_DETECTED;

/**
 * Purchases by group commit (`GroupCommit`): those arriving together are decided by ONE call of
 * `gtd_purchase_batch` — one round trip, one implicit transaction — each in arrival order under
 * its product's row lock, and each buyer answered from its own row. A fault fails the whole batch
 * alike: nothing of it was committed, or all of it may have been (`postgresFault` says which).
 */
export class PostgresPurchases {
  private lastKeySweepMs = -Infinity;
  readonly batches: GroupCommit<PurchaseCommand, PurchaseOutcome>;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly idempotencyTtlMs: number,
    maxBatch = POSTGRES_MAX_BATCH,
  ) {
    this.batches = new GroupCommit((commands) => this.commit(commands), maxBatch);
  }

  purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    return this.batches.enqueue(command);
  }

  private async commit(commands: readonly PurchaseCommand[]): Promise<PurchaseOutcome[]> {
    const orderIds = commands.map(() => newOrderId());
    const values = [
      commands.map((c) => c.productId),
      commands.map((c) => c.quantity),
      commands.map((c) => c.buyerId),
      commands.map((c) => c.idempotencyScope),
      commands.map((c) => c.idempotencyKey),
      commands.map((c) => idempotencyFingerprint(c.productId, c.quantity)),
      commands.map((c) => timestamp(c.nowMs)),
      this.idempotencyTtlMs,
      orderIds,
    ];
    let rows: PurchaseRow[];
    for (let attempt = 0; ; attempt++) {
      try {
        ({ rows } = await this.database.query<PurchaseRow>({
          name: 'gtd_purchase_batch',
          text: PURCHASE_BATCH_SQL,
          values,
        }));
        break;
      } catch (error) {
        if (!isDeadlock(error)) throw error;
        // An ERROR inside the statement: its implicit transaction rolled back, nothing was sold.
        if (attempt >= DEADLOCK_RETRIES) {
          throw new DependencyUnavailable('postgres', false, {
            cause: error,
            message: 'PostgreSQL kept breaking deadlocks between purchase batches',
          });
        }
      }
    }
    let keyed = false;
    let nowMs = -Infinity;
    for (const c of commands) {
      if (c.idempotencyKey !== null) keyed = true;
      if (c.nowMs > nowMs) nowMs = c.nowMs;
    }
    if (keyed) this.sweepExpiredKeys(nowMs);
    return rows.map((row, i) => outcomeOf(row, commands[i]));
  }

  /** Off the purchase's answer: a failed sweep only leaves expired keys for the next one. */
  private sweepExpiredKeys(nowMs: number): void {
    if (nowMs - this.lastKeySweepMs < KEY_SWEEP_INTERVAL_MS || this.database.ended) return;
    this.lastKeySweepMs = nowMs;
    deleteExpiredKeys(this.database, nowMs, this.idempotencyTtlMs).catch(() => undefined);
  }
}

function outcomeOf(row: PurchaseRow, command: PurchaseCommand): PurchaseOutcome {
  const { productId, quantity, buyerId } = command;
  switch (row.outcome) {
    case 'SOLD':
    case 'REPLAYED':
      return {
        ok: true,
        order: {
          orderId: row.order_id as string,
          productId,
          quantity,
          buyerId,
          createdAt: (row.created_at as Date).toISOString(),
        },
        remaining: row.available,
        replayed: row.outcome === 'REPLAYED',
      };
    case ErrorCode.IdempotencyKeyMismatch:
      return { ok: false, code: row.outcome, available: row.available };
    default:
      return rejectionOf(
        row.outcome,
        row.available,
        answersWithRules(row.outcome) ? toRules(row) : undefined,
        row.bought ?? 0,
      );
  }
}
