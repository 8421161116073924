import { DropRules } from '../../inventory-store';
import { idempotencyFingerprint } from '../../purchase-rules';
import { DurableKey, DurableSnapshot } from '../postgres/postgres-ledger';
import { ProductPrice, QueuedCancel, QueuedOrder } from './redis-records';
import { RedisKeys } from './redis-scripts';

/**
 * The Redis keys implied by PostgreSQL (read in ONE snapshot by the ledger) plus the orders still
 * waiting in Redis. Used by the counter rebuild and by `npm run reconcile`.
 */

/** What Redis holds that PostgreSQL may not store yet: sales and cancels, as the persister will. */
export interface WaitingEvents {
  orders: readonly QueuedOrder[];
  cancels: readonly QueuedCancel[];
}

/** Orders still in Redis that PostgreSQL does not store yet: sold, confirmed, counted nowhere else. */
export function unstoredOrders(snapshot: DurableSnapshot, waiting: WaitingEvents): QueuedOrder[] {
  return waiting.orders.filter((p) => !snapshot.stored.has(p.order.orderId));
}

/**
 * The units each waiting event changes on top of PostgreSQL's standing orders, per product and
 * buyer: + an unstored sale not cancelled (in Redis or in `order_cancels`), − a waiting cancel of a
 * sale PostgreSQL stores as standing. A cancel PostgreSQL already applied, or of a sale it has
 * not stored, changes nothing here: the sale is then either not counted there or skipped above.
 */
function waitingChanges(
  snapshot: DurableSnapshot,
  waiting: WaitingEvents,
): { productId: number; buyerId: string | null; units: number }[] {
  const cancelled = new Set(waiting.cancels.map((c) => c.orderId));
  const changes = unstoredOrders(snapshot, waiting)
    .filter(({ order }) => !cancelled.has(order.orderId) && !snapshot.cancels.has(order.orderId))
    .map(({ order }) => ({ productId: order.productId, buyerId: order.buyerId, units: order.quantity }));
  for (const cancel of waiting.cancels) {
    if (snapshot.standing.has(cancel.orderId)) {
      changes.push({ productId: cancel.productId, buyerId: cancel.buyerId, units: -cancel.quantity });
    }
  }
  return changes;
}

/** Units sold per product and standing: stored in PostgreSQL plus what the waiting events change. */
export function soldByProduct(snapshot: DurableSnapshot, waiting: WaitingEvents): Map<number, number> {
  const sold = new Map(snapshot.products.map((p) => [p.id, p.storedSold]));
  for (const { productId, units } of waitingChanges(snapshot, waiting)) {
    sold.set(productId, (sold.get(productId) ?? 0) + units);
  }
  return sold;
}

export interface DerivedRedisState {
  products: { id: number; available: number; rules: DropRules; price: ProductPrice }[];
  /** productId → buyerId → units held. */
  buyerTotals: Map<number, Map<string, number>>;
  /** Redis key name → the key's hash fields (see `RedisKeys.idempotency`). */
  keys: Map<string, { f: string; o: string; r: string; t: string }>;
  /** orderId → cancelledAt: the cancelled hash (`RedisKeys.cancelled`). */
  cancelled: Map<string, string>;
}

/**
 * The Redis keys a snapshot implies: available = stock − every standing order (stored or
 * waiting); buyer totals = PostgreSQL's + the waiting events' changes; keys = PostgreSQL's + the
 * waiting orders' (the newer wins when one key was reused after expiring; a cancelled sale's key
 * still replays it); cancels = PostgreSQL's + the waiting ones.
 */
export function deriveRedisState(snapshot: DurableSnapshot, waiting: WaitingEvents): DerivedRedisState {
  const sold = soldByProduct(snapshot, waiting);
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
  for (const { productId, buyerId, units } of waitingChanges(snapshot, waiting)) {
    if (buyerId !== null) addUnits(productId, buyerId, units);
  }
  for (const totals of buyerTotals.values()) {
    for (const [buyerId, units] of totals) if (units <= 0) totals.delete(buyerId);
  }

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

  for (const { order, idempotencyKey, scope, remaining } of unstoredOrders(snapshot, waiting)) {
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
  const cancelled = new Map(snapshot.cancels);
  for (const cancel of waiting.cancels) cancelled.set(cancel.orderId, cancel.cancelledAt);
  return { products, buyerTotals, keys, cancelled };
}
