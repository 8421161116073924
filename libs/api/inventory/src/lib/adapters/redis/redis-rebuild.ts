import { DropRules } from '../../inventory-store';
import { idempotencyFingerprint } from '../../purchase-rules';
import { DurableKey, DurableSnapshot } from '../postgres/postgres-ledger';
import { ProductPrice, QueuedOrder } from './redis-records';
import { RedisKeys } from './redis-scripts';

/**
 * The Redis keys implied by PostgreSQL (read in ONE snapshot by the ledger) plus the orders still
 * waiting in Redis. Used by the counter rebuild and by `npm run reconcile`.
 */

/** Orders still in Redis that PostgreSQL does not store yet: sold, confirmed, counted nowhere else. */
export function unstoredOrders(snapshot: DurableSnapshot, pending: readonly QueuedOrder[]): QueuedOrder[] {
  return pending.filter((p) => !snapshot.stored.has(p.order.orderId));
}

/** Units sold per product: stored in PostgreSQL plus still waiting in Redis. */
export function soldByProduct(
  snapshot: DurableSnapshot,
  pending: readonly QueuedOrder[],
): Map<number, number> {
  const sold = new Map(snapshot.products.map((p) => [p.id, p.storedSold]));
  for (const { order } of unstoredOrders(snapshot, pending)) {
    sold.set(order.productId, (sold.get(order.productId) ?? 0) + order.quantity);
  }
  return sold;
}

export interface DerivedRedisState {
  products: { id: number; available: number; rules: DropRules; price: ProductPrice }[];
  /** productId → buyerId → units held. */
  buyerTotals: Map<number, Map<string, number>>;
  /** Redis key name → the key's hash fields (see `RedisKeys.idempotency`). */
  keys: Map<string, { f: string; o: string; r: string; t: string }>;
}

/**
 * The Redis keys a snapshot implies: available = stock − every sold order (stored or waiting);
 * buyer totals = PostgreSQL's + the waiting orders'; keys = PostgreSQL's + the waiting orders'
 * (the newer wins when one key was reused after expiring).
 */
export function deriveRedisState(
  snapshot: DurableSnapshot,
  pending: readonly QueuedOrder[],
): DerivedRedisState {
  const sold = soldByProduct(snapshot, pending);
  const products = snapshot.products.map((p) => ({
    id: p.id,
    available: Math.max(0, p.stock - (sold.get(p.id) ?? 0)),
    rules: {
      startsAtMs: p.startsAtMs,
      endsAtMs: p.endsAtMs,
      paused: p.paused,
      perBuyerLimit: p.perBuyerLimit,
    },
    price: { price: p.price, currency: p.currency },
  }));

  const buyerTotals = new Map<number, Map<string, number>>();
  const addUnits = (productId: number, buyerId: string, quantity: number) => {
    let totals = buyerTotals.get(productId);
    if (!totals) buyerTotals.set(productId, (totals = new Map()));
    totals.set(buyerId, (totals.get(buyerId) ?? 0) + quantity);
  };
  for (const row of snapshot.buyerTotals) addUnits(row.productId, row.buyerId, row.quantity);

  const keys: DerivedRedisState['keys'] = new Map();
  const addKey = (key: DurableKey) => {
    const name = RedisKeys.idempotency(key.scope, key.key);
    const known = keys.get(name);
    if (known && Number(known.t) >= key.createdAtMs) return;
    keys.set(name, {
      f: key.fingerprint,
      o: key.orderId,
      r: String(key.remaining),
      t: String(key.createdAtMs),
    });
  };
  snapshot.keys.forEach(addKey);

  for (const { order, idempotencyKey, scope, remaining } of unstoredOrders(snapshot, pending)) {
    if (order.buyerId !== null) addUnits(order.productId, order.buyerId, order.quantity);
    if (idempotencyKey !== null) {
      addKey({
        scope,
        key: idempotencyKey,
        fingerprint: idempotencyFingerprint(order.productId, order.quantity),
        orderId: order.orderId,
        remaining,
        createdAtMs: Date.parse(order.createdAt),
      });
    }
  }
  return { products, buyerTotals, keys };
}
