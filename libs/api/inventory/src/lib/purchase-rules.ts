import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { createHash } from 'node:crypto';
import { DropRules, InventorySnapshot, SoldOrder, PurchaseCommand, PurchaseOutcome } from './inventory-store';

/**
 * The order in which a purchase is decided; the first check that fails answers. TypeScript
 * (`purchaseRejection`), PL/pgSQL (`gtd_purchase_batch`) and Lua (`PURCHASE_LUA`) each implement it,
 * and the contract suite derives its precedence cases from this list, so an adapter that checks
 * in another order fails there.
 *
 * - key: a known key replays its first success, or is a mismatch — even if the drop has since
 *   paused or sold out, because the buyer is asking what happened, not to buy again;
 * - product: an unknown product;
 * - pause, then schedule: an operator's pause says more than the clock; not started before ended;
 * - auth, then limit: a limited drop needs a buyer, then the buyer's running total must fit;
 * - stock: sold out, or fewer left than asked.
 */
export const PURCHASE_DECISION_ORDER = [
  { check: 'key', codes: [ErrorCode.IdempotencyKeyMismatch] },
  { check: 'product', codes: [ErrorCode.ProductNotFound] },
  { check: 'pause', codes: [ErrorCode.Paused] },
  { check: 'schedule', codes: [ErrorCode.NotStarted, ErrorCode.Ended] },
  { check: 'auth', codes: [ErrorCode.AuthRequired] },
  { check: 'limit', codes: [ErrorCode.LimitReached] },
  { check: 'stock', codes: [ErrorCode.SoldOut, ErrorCode.InsufficientStock] },
] as const;

export type PurchaseCheck = (typeof PURCHASE_DECISION_ORDER)[number]['check'];

/** The contract's floor: keys are remembered at least this long unless configured longer. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** Expired keys are swept at most this often, from the purchase path (no timer to stop). */
export const KEY_SWEEP_INTERVAL_MS = 60_000;

/**
 * Whose an `Idempotency-Key` is — the one rule, computed here and handed to every store as
 * `PurchaseCommand.idempotencyScope` (SQL and Lua take it as a parameter): a signed-in buyer's
 * keys are theirs (the buyer id), an anonymous client's are its address's. Without the address,
 * two anonymous clients sending the same key and body would share one scope, and the second would
 * be answered the first's order. An anonymous client whose address changes between retries (a phone
 * switching networks) therefore loses its replay, as the README's idempotency section says.
 *
 * The address goes in as a digest: fixed length and free of ':' (IPv6), which ends the scope in the
 * Redis key name `idem:<scope>:<key>`; '@' sets it apart from a buyer id (a UUID).
 */
export function idempotencyScope(buyerId: string | null, clientAddress: string | null): string {
  if (buyerId !== null) return buyerId;
  const address = (clientAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return `@${createHash('sha256').update(address).digest('base64url').slice(0, 22)}`;
}

/**
 * The scope of a key recorded before scopes carried the client address (an order event or pending
 * order from an older worker): the buyer's id, and '' — one scope — for anonymous ones.
 */
export const legacyIdempotencyScope = (buyerId: string | null): string => buyerId ?? '';

/** What a key remembers of its request: a retry with another product or quantity is a mismatch. */
export const idempotencyFingerprint = (productId: number, quantity: number): string =>
  `${productId}:${quantity}`;

/** Whether a key stored at `createdAtMs` still answers at `nowMs`. */
export const keyIsLive = (createdAtMs: number, nowMs: number, ttlMs: number): boolean =>
  nowMs - createdAtMs < ttlMs;

/**
 * Step 1 for adapters that decide in process: a live key's answer — the first success again, or a
 * mismatch when the retry asks for another product or quantity. `order` is read only for a replay.
 */
export function answerStoredKey(
  stored: { fingerprint: string; remaining: number },
  command: PurchaseCommand,
  availableNow: () => number,
  order: () => SoldOrder,
): PurchaseOutcome {
  if (stored.fingerprint !== idempotencyFingerprint(command.productId, command.quantity)) {
    return { ok: false, code: ErrorCode.IdempotencyKeyMismatch, available: availableNow() };
  }
  return { ok: true, order: order(), remaining: stored.remaining, replayed: true };
}

export type PurchaseRejection = Extract<PurchaseOutcome, { ok: false }>;

export const PRODUCT_NOT_FOUND: PurchaseRejection = Object.freeze({
  ok: false,
  code: ErrorCode.ProductNotFound,
  available: 0,
});

/** The most common answer of a drop's last minutes, shared rather than built per attempt. */
const SOLD_OUT: PurchaseRejection = Object.freeze({ ok: false, code: ErrorCode.SoldOut, available: 0 });

/** Rejections whose answer carries the product's rules (the service words them with times and limits). */
const ANSWERED_WITH_RULES: ReadonlySet<string> = new Set([
  ErrorCode.Paused,
  ErrorCode.NotStarted,
  ErrorCode.Ended,
  ErrorCode.LimitReached,
]);

/** Whether `rejectionOf` needs the rules for this code: adapters decode them only then. */
export const answersWithRules = (code: string): boolean => ANSWERED_WITH_RULES.has(code);

/** Just the four rule fields of a product or snapshot (never its name, price or counts). */
export const rulesOf = ({ startsAtMs, endsAtMs, paused, perBuyerLimit }: DropRules): DropRules => ({
  startsAtMs,
  endsAtMs,
  paused,
  perBuyerLimit,
});

/**
 * A rejection as every adapter answers it, from the code a script or function decided (SQL, Lua)
 * or `purchaseRejection` found: `rules` (required where `answersWithRules`) only where the answer
 * needs them, `bought` only for a limit.
 */
export function rejectionOf(
  code: PurchaseRejectionCode,
  available: number,
  rules: DropRules | undefined,
  bought: number,
): PurchaseRejection {
  if (code === ErrorCode.ProductNotFound) return PRODUCT_NOT_FOUND;
  if (code === ErrorCode.SoldOut && available === 0) return SOLD_OUT;
  if (!answersWithRules(code)) return { ok: false, code, available };
  if (!rules) throw new Error(`A ${code} answer needs the product's rules`);
  return code === ErrorCode.LimitReached
    ? { ok: false, code, available, bought, rules }
    : { ok: false, code, available, rules };
}

/**
 * Steps 3–7 of `PURCHASE_DECISION_ORDER` (pause, schedule, auth, limit, stock) for a product that
 * exists, for adapters that decide in process (memory, SQLite). `bought` is asked only when the
 * product has a limit and a buyer, so the common anonymous path reads nothing more. Undefined: the
 * purchase may sell.
 */
export function purchaseRejection(
  product: InventorySnapshot,
  command: PurchaseCommand,
  bought: (productId: number, buyerId: string) => number,
): PurchaseRejection | undefined {
  const { available } = product;
  const scheduleCode = scheduleRejectionCode(product, command.nowMs);
  if (scheduleCode) return rejectionOf(scheduleCode, available, rulesOf(product), 0);
  if (product.perBuyerLimit !== null) {
    if (command.buyerId === null) return rejectionOf(ErrorCode.AuthRequired, available, undefined, 0);
    const held = bought(command.productId, command.buyerId);
    if (held + command.quantity > product.perBuyerLimit) {
      return rejectionOf(ErrorCode.LimitReached, available, rulesOf(product), held);
    }
  }
  if (available === 0) return SOLD_OUT;
  if (available < command.quantity) return rejectionOf(ErrorCode.InsufficientStock, available, undefined, 0);
  return undefined;
}

/** PAUSED, NOT_STARTED or ENDED, in that precedence; undefined while the drop is open. */
export function scheduleRejectionCode(
  rules: DropRules,
  nowMs: number,
): typeof ErrorCode.Paused | typeof ErrorCode.NotStarted | typeof ErrorCode.Ended | undefined {
  if (rules.paused) return ErrorCode.Paused;
  if (rules.startsAtMs !== null && nowMs < rules.startsAtMs) return ErrorCode.NotStarted;
  if (rules.endsAtMs !== null && nowMs >= rules.endsAtMs) return ErrorCode.Ended;
  return undefined;
}
