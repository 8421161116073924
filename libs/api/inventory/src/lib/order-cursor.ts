import { OrderRecord } from './inventory-store';

type OrderSortKey = Pick<OrderRecord, 'createdAt' | 'orderId'>;

/**
 * The orders-page cursor every adapter uses: the last item's sort key, `createdAt` then `orderId`.
 * Shared so the service can reject a forged or truncated cursor as a 400 before any adapter parses it.
 */
export function encodeOrderCursor(order: OrderSortKey): string {
  return Buffer.from(`${order.createdAt}|${order.orderId}`, 'utf8').toString('base64url');
}

/** What a cursor looks like on the wire (the OpenAPI document says the same): base64url, 1–200 characters. */
export const ORDER_CURSOR_SYNTAX = { pattern: '^[A-Za-z0-9_-]+$', maxLength: 200 } as const;
const CURSOR_TEXT = new RegExp(ORDER_CURSOR_SYNTAX.pattern);

/** Undefined when the cursor was not produced by `encodeOrderCursor`. */
export function decodeOrderCursor(cursor: string): OrderSortKey | undefined {
  if (cursor.length === 0 || cursor.length > ORDER_CURSOR_SYNTAX.maxLength || !CURSOR_TEXT.test(cursor))
    return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 0) return undefined;
  const createdAt = text.slice(0, bar);
  const orderId = text.slice(bar + 1);
  const ms = Date.parse(createdAt);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== createdAt) return undefined;
  if (!/^[0-9a-f-]{36}$/.test(orderId)) return undefined;
  return { createdAt, orderId };
}

/**
 * An adapter's reading of `listOrders`'s `after`: null for the first page. The service validated
 * it already, so a bad one here is a caller's bug, not a buyer's input.
 */
export function orderCursorAfter(after: string | null): OrderSortKey | null {
  if (after === null) return null;
  const cursor = decodeOrderCursor(after);
  if (!cursor) throw new Error('Invalid orders cursor');
  return cursor;
}

/**
 * (createdAt, orderId) in plain code-unit order — the order PostgreSQL and SQLite page in, since
 * ISO 8601 UTC text and lower-case UUIDs sort the same as text and as values.
 */
export const compareOrders = (a: OrderSortKey, b: OrderSortKey): number =>
  a.createdAt < b.createdAt
    ? -1
    : a.createdAt > b.createdAt
      ? 1
      : a.orderId < b.orderId
        ? -1
        : a.orderId > b.orderId
          ? 1
          : 0;

/** The page's cursor: the last item's key when more follow, else null. */
export const nextCursorOf = (items: readonly OrderSortKey[], more: boolean): string | null =>
  more && items.length > 0 ? encodeOrderCursor(items[items.length - 1]) : null;
