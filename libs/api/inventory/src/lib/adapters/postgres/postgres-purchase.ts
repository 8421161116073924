import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import {
  idempotencyFingerprint,
  KEY_SWEEP_INTERVAL_MS,
  answersWithRules,
  rejectionOf,
} from '../../purchase-rules';
import { PostgresDatabase, timestamp } from './postgres-database';
import { deleteExpiredKeys } from './postgres-ledger';
import { RULE_COLUMNS, RuleRow, toRules } from './postgres-rows';

/** One round trip; the whole decision runs in `gtd_purchase` (see postgres-schema.ts). */
const PURCHASE_SQL = `SELECT outcome, available, order_id, created_at, bought, ${RULE_COLUMNS}
  FROM gtd_purchase($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::bigint * interval '1 millisecond', $9)`;

interface PurchaseRow extends RuleRow {
  outcome: 'SOLD' | 'REPLAYED' | typeof ErrorCode.IdempotencyKeyMismatch | PurchaseRejectionCode;
  available: number;
  order_id: string | null;
  created_at: Date | null;
  bought: number | null;
}

/**
 * The purchase as ONE call of the `gtd_purchase` function: one implicit transaction and one round
 * trip; its atomicity comes from the product's row lock.
 */
export class PostgresPurchases {
  private lastKeySweepMs = -Infinity;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly idempotencyTtlMs: number,
  ) {}

  async purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    const orderId = randomUUID();
    const { rows } = await this.database.query<PurchaseRow>({
      name: 'gtd_purchase',
      text: PURCHASE_SQL,
      values: [
        productId,
        quantity,
        buyerId,
        command.idempotencyScope,
        idempotencyKey,
        idempotencyFingerprint(productId, quantity),
        timestamp(nowMs),
        this.idempotencyTtlMs,
        orderId,
      ],
    });
    const row = rows[0];
    if (idempotencyKey !== null) this.sweepExpiredKeys(nowMs);
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

  /** Off the purchase's answer: a failed sweep only leaves expired keys for the next one. */
  private sweepExpiredKeys(nowMs: number): void {
    if (nowMs - this.lastKeySweepMs < KEY_SWEEP_INTERVAL_MS || this.database.ended) return;
    this.lastKeySweepMs = nowMs;
    deleteExpiredKeys(this.database, nowMs, this.idempotencyTtlMs).catch(() => undefined);
  }
}
