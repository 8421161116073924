import { DropRules, OrderPrice, ProductFields } from '../../inventory-store';
import type { PersistedCancel, PersistedOrder } from '../postgres/postgres-ledger';
import { legacyIdempotencyScope } from '../../purchase-rules';

/**
 * An order sold on the Redis hot path and not yet acknowledged as stored: the order plus what
 * PostgreSQL keeps beside it (the key the buyer sent and the remaining count they were told) —
 * exactly what `PostgresOrderLedger.persistEvents` takes.
 */
export type QueuedOrder = PersistedOrder;

/** A cancel decided on Redis and not yet acknowledged as stored: what `persistEvents` takes. */
export type QueuedCancel = PersistedCancel;

/** One entry of the order stream: a sale (the purchase script's) or a cancel (the cancel script's). */
export type StreamEvent = { sale: QueuedOrder; cancel?: never } | { cancel: QueuedCancel; sale?: never };

/** What of a product the purchase script records with each order. */
export type ProductPrice = Pick<ProductFields, 'price' | 'currency'>;

/** The rules hash as written by operators and rebuilds (`RedisKeys.rules`), with the price. */
export function encodeRules(rules: DropRules, price: ProductPrice): Record<string, string> {
  const optional = (value: number | null) => (value === null ? '' : String(value));
  return {
    paused: rules.paused ? '1' : '0',
    starts: optional(rules.startsAtMs),
    ends: optional(rules.endsAtMs),
    limit: optional(rules.perBuyerLimit),
    ...encodePrice(price),
  };
}

export const encodePrice = ({ price, currency }: ProductPrice): Record<'price' | 'currency', string> => ({
  price: String(price),
  currency,
});

/** The price fields of an order event or pending order: '' (an older build's) is unknown. */
const decodePrice = (price: string | undefined, currency: string | undefined): OrderPrice | null =>
  price && currency ? { unitPrice: Number(price), currency } : null;

/** Reads the rule fields the scripts return (or HMGET gives): missing or '' means none. */
export function decodeRules(
  paused: string | null,
  starts: string | null,
  ends: string | null,
  limit: string | null,
): DropRules {
  const optional = (value: string | null) => (value === null || value === '' ? null : Number(value));
  return {
    paused: paused === '1',
    startsAtMs: optional(starts),
    endsAtMs: optional(ends),
    perBuyerLimit: optional(limit),
  };
}

export const sameRules = (a: DropRules, b: DropRules): boolean =>
  a.paused === b.paused &&
  a.startsAtMs === b.startsAtMs &&
  a.endsAtMs === b.endsAtMs &&
  a.perBuyerLimit === b.perBuyerLimit;

/**
 * A pending-hash value: "=price|currency|scope|productId|quantity|createdAt|buyerId|remaining|key"
 * (written by the purchase script). The key is last because it is the only part that may itself
 * contain '|'; the price, currency and scope never do. Older values still read, without a price:
 * "~scope|productId|…" and those that start with the product id (a digit) — without the scope, or
 * from before buyers and keys existed ("productId|quantity|createdAt").
 */
export function decodePending(orderId: string, value: string): QueuedOrder {
  let price: OrderPrice | null = null;
  let encoded = value;
  if (value.startsWith('=')) {
    const first = value.indexOf('|');
    const second = value.indexOf('|', first + 1);
    price = decodePrice(value.slice(1, first), value.slice(first + 1, second));
    encoded = `~${value.slice(second + 1)}`;
  }
  const scoped = encoded.startsWith('~');
  const bar = encoded.indexOf('|');
  const parts = (scoped ? encoded.slice(bar + 1) : encoded).split('|');
  const [productId, quantity, createdAt, buyerId = '', remaining = '0'] = parts;
  const key = parts.slice(5).join('|');
  return {
    order: {
      orderId,
      productId: Number(productId),
      quantity: Number(quantity),
      buyerId: buyerId === '' ? null : buyerId,
      createdAt,
    },
    price,
    idempotencyKey: key === '' ? null : key,
    scope: scoped ? encoded.slice(1, bar) : legacyIdempotencyScope(buyerId === '' ? null : buyerId),
    remaining: Number(remaining),
  };
}

/** A pending-cancel value: "productId|quantity|cancelledAt|buyerId" (written by the cancel script). */
export function decodePendingCancel(orderId: string, value: string): QueuedCancel {
  const [productId, quantity, cancelledAt, buyerId = ''] = value.split('|');
  return {
    orderId,
    productId: Number(productId),
    quantity: Number(quantity),
    buyerId: buyerId === '' ? null : buyerId,
    cancelledAt,
  };
}

/**
 * A stream entry's fields as XREADGROUP returns them: [name, value, name, value, …]. A cancel
 * names its order 'x', not 'o': a persister of an older build, which knows only sales, reads a
 * cancel as a sale without an order id or time, which PostgreSQL refuses (the batch fails and
 * stays pending, for a worker of this build to claim) rather than storing it as a sale.
 */
export function decodeStreamEvent(fields: readonly string[]): StreamEvent {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i], fields[i + 1]);
  const cancelled = values.get('x');
  if (cancelled === undefined) return { sale: decodeOrderEvent(values) };
  const buyerId = values.get('b') ?? '';
  return {
    cancel: {
      orderId: cancelled,
      productId: Number(values.get('p')),
      quantity: Number(values.get('q')),
      buyerId: buyerId === '' ? null : buyerId,
      cancelledAt: values.get('xt') ?? '',
    },
  };
}

function decodeOrderEvent(values: ReadonlyMap<string, string>): QueuedOrder {
  const buyerId = values.get('b') ?? '';
  const key = values.get('k') ?? '';
  const scope = values.get('s');
  return {
    order: {
      orderId: values.get('o') ?? '',
      productId: Number(values.get('p')),
      quantity: Number(values.get('q')),
      buyerId: buyerId === '' ? null : buyerId,
      createdAt: values.get('t') ?? '',
    },
    price: decodePrice(values.get('pr'), values.get('cu')),
    idempotencyKey: key === '' ? null : key,
    scope: scope ?? legacyIdempotencyScope(buyerId === '' ? null : buyerId),
    remaining: Number(values.get('r') ?? 0),
  };
}
