import { PurchaseCommand, PurchaseOutcome, SoldOrder } from '../../inventory-store';
import {
  answerStoredKey,
  idempotencyFingerprint,
  KEY_SWEEP_INTERVAL_MS,
  keyIsLive,
  PRODUCT_NOT_FOUND,
  purchaseRejection,
} from '../../purchase-rules';
import { snapshotOf, toSoldOrder } from './sqlite-rows';
import { InventoryStatements } from './sqlite-statements';
import { newOrderId } from '../../order-id';

/**
 * The purchase decision over prepared statements, in `PURCHASE_DECISION_ORDER`: read-only
 * (`decide`, answered before queueing) or inside the batch's transaction (`decideAndWrite`).
 */
export class SqlitePurchaseDecider {
  private lastKeySweepMs = -Infinity;

  constructor(
    private readonly statements: InventoryStatements,
    private readonly idempotencyTtlMs: number,
  ) {}

  /** The answer if it is a rejection or a replay (nothing to write); undefined if it may sell. */
  decide(command: PurchaseCommand): PurchaseOutcome | undefined {
    const s = this.statements;
    const { productId, idempotencyKey, nowMs } = command;
    if (idempotencyKey !== null) {
      const stored = s.key.get(command.idempotencyScope, idempotencyKey);
      if (stored && keyIsLive(stored.created_at_ms, nowMs, this.idempotencyTtlMs)) {
        return answerStoredKey(
          stored,
          command,
          () => s.snapshot.get(productId)?.available ?? 0,
          () => {
            const order = s.order.get(stored.order_id);
            if (!order) throw new Error(`Idempotency key refers to missing order ${stored.order_id}`);
            return toSoldOrder(order);
          },
        );
      }
    }
    const product = snapshotOf(s.snapshot.get(productId));
    if (!product) return PRODUCT_NOT_FOUND;
    return purchaseRejection(product, command, this.boughtBy);
  }

  /** Inside the batch's transaction: decide again on the current rows, then write the sale. */
  decideAndWrite(command: PurchaseCommand): PurchaseOutcome {
    const answer = this.decide(command);
    if (answer) return answer;
    const s = this.statements;
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    const updated = s.decrement.get(quantity, productId, quantity);
    if (!updated) throw new Error(`Product ${productId} changed inside its own transaction`);
    const order: SoldOrder = {
      orderId: newOrderId(),
      productId,
      quantity,
      buyerId,
      createdAt: new Date(nowMs).toISOString(),
    };
    s.insertOrder.run(
      order.orderId,
      productId,
      quantity,
      buyerId,
      order.createdAt,
      updated.price,
      updated.currency,
    );
    if (buyerId !== null) s.addToBuyerTotal.run(productId, buyerId, quantity);
    if (idempotencyKey !== null) {
      if (nowMs - this.lastKeySweepMs >= KEY_SWEEP_INTERVAL_MS) {
        this.lastKeySweepMs = nowMs;
        s.sweepKeys.run(nowMs - this.idempotencyTtlMs);
      }
      s.storeKey.run(
        command.idempotencyScope,
        idempotencyKey,
        idempotencyFingerprint(productId, quantity),
        order.orderId,
        updated.available,
        nowMs,
      );
    }
    return { ok: true, order, remaining: updated.available, replayed: false };
  }

  private readonly boughtBy = (productId: number, buyerId: string): number =>
    this.statements.bought.get(productId, buyerId)?.quantity ?? 0;
}
