import { ErrorCode } from '@gtd/shared-contracts';
import { InventorySnapshot, OrderRecord, PurchaseCommand, PurchaseOutcome } from './inventory-store';

/** The contract's floor: keys are remembered at least this long unless configured longer. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** Keys are scoped per buyer; anonymous keys share the empty scope. */
export const idempotencyScope = (buyerId: string | null): string => buyerId ?? '';

/** What a key remembers of its request: a retry with another product or quantity is a mismatch. */
export const idempotencyFingerprint = (productId: number, quantity: number): string =>
  `${productId}:${quantity}`;

export type PurchaseRejection = Extract<PurchaseOutcome, { ok: false }>;

export const PRODUCT_NOT_FOUND: PurchaseRejection = Object.freeze({
  ok: false,
  code: ErrorCode.ProductNotFound,
  available: 0,
});

/**
 * Steps 3–5 of a purchase decision (rules, limit, stock) for a product that exists, for adapters
 * that decide in process (memory, SQLite). `bought` is asked only when the product has a limit and
 * a buyer, so the common anonymous path reads nothing more. Undefined: the purchase may sell.
 */
export function purchaseRejection(
  product: InventorySnapshot,
  command: PurchaseCommand,
  bought: (productId: number, buyerId: string) => number,
): PurchaseRejection | undefined {
  const { available } = product;
  const scheduleCode = scheduleRejectionCode(product, command.nowMs);
  if (scheduleCode) return { ok: false, code: scheduleCode, available, rules: rulesOf(product) };
  if (product.perBuyerLimit !== null) {
    if (command.buyerId === null) return { ok: false, code: ErrorCode.AuthRequired, available };
    const held = bought(command.productId, command.buyerId);
    if (held + command.quantity > product.perBuyerLimit) {
      return { ok: false, code: ErrorCode.LimitReached, available, bought: held, rules: rulesOf(product) };
    }
  }
  if (available === 0) return { ok: false, code: ErrorCode.SoldOut, available };
  if (available < command.quantity) return { ok: false, code: ErrorCode.InsufficientStock, available };
  return undefined;
}

/** PAUSED, NOT_STARTED or ENDED, in that precedence; undefined while the drop is open. */
export function scheduleRejectionCode(
  rules: InventorySnapshot,
  nowMs: number,
): typeof ErrorCode.Paused | typeof ErrorCode.NotStarted | typeof ErrorCode.Ended | undefined {
  if (rules.paused) return ErrorCode.Paused;
  if (rules.startsAtMs !== null && nowMs < rules.startsAtMs) return ErrorCode.NotStarted;
  if (rules.endsAtMs !== null && nowMs >= rules.endsAtMs) return ErrorCode.Ended;
  return undefined;
}

const rulesOf = ({ startsAtMs, endsAtMs, paused, perBuyerLimit }: InventorySnapshot) => ({
  startsAtMs,
  endsAtMs,
  paused,
  perBuyerLimit,
});

/**
 * The orders-page cursor every adapter uses: the last item's sort key, `createdAt` then `orderId`.
 * Shared so the service can reject a forged or truncated cursor as a 400 before any adapter parses it.
 */
export function encodeOrderCursor(order: Pick<OrderRecord, 'createdAt' | 'orderId'>): string {
  return Buffer.from(`${order.createdAt}|${order.orderId}`, 'utf8').toString('base64url');
}

/** Undefined when the cursor was not produced by `encodeOrderCursor`. */
export function decodeOrderCursor(cursor: string): { createdAt: string; orderId: string } | undefined {
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
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
