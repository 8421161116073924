import { ErrorCode, Product, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { CatalogEntry } from './catalog';

/** The operator-set rules of a drop, as stored. Times are epoch milliseconds. */
export interface DropRules {
  /** Purchases before it are NOT_STARTED; `null`: open since creation. */
  startsAtMs: number | null;
  /** Purchases at or after it are ENDED; `null`: no end. */
  endsAtMs: number | null;
  paused: boolean;
  /** Units one buyer may hold in total; `null`: no limit (and no sign-in needed). */
  perBuyerLimit: number | null;
}

/** The descriptive fields and counts, as the contract's `Product` has them (price in minor units). */
export type ProductFields = Pick<
  Product,
  'id' | 'name' | 'description' | 'price' | 'currency' | 'stock' | 'available'
>;

/** A product as stored: its fields and counts, and its drop's rules (times as epoch ms). */
export interface ProductRecord extends DropRules, ProductFields {}

/** What a poll needs: the count and the rules that decide the drop's state. */
export type InventorySnapshot = DropRules & { available: number };

/** `createProduct` input: the store assigns the id. */
export type NewProduct = Omit<ProductRecord, 'id' | 'available'>;

/** `updateProduct` input: any subset of the descriptive fields and rules; stock goes through `restock`. */
export type ProductPatch = Partial<Omit<ProductRecord, 'id' | 'stock' | 'available'>>;

/** `add` raises stock and available by `quantity`; `set` makes available exactly `quantity`. */
export interface Restock {
  mode: 'add' | 'set';
  quantity: number;
}

/** A sale as the purchase answers it. */
export interface SoldOrder {
  orderId: string;
  productId: number;
  quantity: number;
  /** `null` for anonymous purchases. */
  buyerId: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** What one unit cost when it sold: the product's price and currency as the purchase saw them. */
export interface OrderPrice {
  /** Minor units of `currency`. */
  unitPrice: number;
  currency: string;
}

/**
 * A stored order. Its price is recorded in the same atomic step as the sale, from the product row
 * the purchase decided on: a later price change never rewrites it.
 */
export interface OrderRecord extends SoldOrder, OrderPrice {
  /**
   * ISO 8601, set once by `cancelOrder`; `null` while the order stands. A cancelled order stays
   * listed (the operator's record) but no longer counts in `sold`, `orders` or the buyer's total.
   */
  cancelledAt: string | null;
}

/** The purchase's answer of a stored order (a replay): the sale without its price. */
export const soldOrderOf = ({ orderId, productId, quantity, buyerId, createdAt }: SoldOrder): SoldOrder => ({
  orderId,
  productId,
  quantity,
  buyerId,
  createdAt,
});

/**
 * One purchase attempt, decided as ONE atomic step: idempotency key, drop rules (at `nowMs`),
 * the buyer's limit, stock; then decrement and record the order (and key) together.
 */
export interface PurchaseCommand {
  productId: number;
  quantity: number;
  /** Signed-in buyer; required when the product has a `perBuyerLimit` (else AUTH_REQUIRED). */
  buyerId: string | null;
  /**
   * The `Idempotency-Key`, looked up within `idempotencyScope`. A known,
   * unexpired key replays its first SUCCESS (same order id and remaining, nothing sold); with another
   * product/quantity it is `IDEMPOTENCY_KEY_MISMATCH`. Rejections are not remembered: they changed
   * nothing, so deciding a retry afresh can never sell twice.
   */
  idempotencyKey: string | null;
  /**
   * Whose the key is, as `idempotencyScope` (purchase-rules.ts) computed it from the buyer or the
   * anonymous client's address; stores use it as given. '' when there is no key.
   */
  idempotencyScope: string;
  /** The caller's clock (injectable in tests); schedule checks and key expiry use it. */
  nowMs: number;
}

export type PurchaseOutcome =
  // The price is not in the answer (it would cost the PostgreSQL and Redis hot paths a read):
  // `findOrder` has it, recorded with the sale.
  | { ok: true; order: SoldOrder; remaining: number; replayed: boolean }
  | {
      ok: false;
      code: PurchaseRejectionCode;
      /** Units left when the attempt was decided (0 for PRODUCT_NOT_FOUND). */
      available: number;
      /** LIMIT_REACHED: what this buyer already holds. */
      bought?: number;
      /** The product's rules, for NOT_STARTED / ENDED / LIMIT_REACHED answers. */
      rules?: DropRules;
    }
  | { ok: false; code: typeof ErrorCode.IdempotencyKeyMismatch; available: number };

/**
 * `cancelOrder`'s answer. On success the order (now with `cancelledAt`) and the product's
 * available units after the units went back; a second cancel of one order is ORDER_ALREADY_CANCELLED
 * with the order as first cancelled, and changes nothing.
 */
export type CancelOutcome =
  | { ok: true; order: OrderRecord; available: number }
  | { ok: false; code: typeof ErrorCode.OrderNotFound }
  | { ok: false; code: typeof ErrorCode.OrderAlreadyCancelled; order: OrderRecord };

/**
 * Invariant every adapter keeps: `stock = available + sold`, and the orders that stand (not
 * cancelled) number `orders` and sum to `sold`.
 */
export interface SalesSummary {
  productId: number;
  stock: number;
  available: number;
  sold: number;
  orders: number;
  /** Distinct non-null buyers among the orders. */
  buyers: number;
  /** Rejected attempts by code, as recorded through `recordRejections`. */
  rejects: Partial<Record<TalliedRejectionCode, number>>;
}

/**
 * What the operator's summary counts as a refused attempt: the store's refusals, and the rate
 * limiter's, which refuses before the store is asked (but the operator still wants to see them).
 */
export type TalliedRejectionCode = PurchaseRejectionCode | typeof ErrorCode.RateLimited;

export interface RejectionCount {
  productId: number;
  code: TalliedRejectionCode;
  count: number;
}

export interface OrdersPageRecord {
  items: OrderRecord[];
  /** Opaque; `null` on the last page. Order: `createdAt`, then `orderId`. */
  nextCursor: string | null;
}

/** The members `updateProduct` may change, in one list every adapter walks. */
export const PATCHABLE_FIELDS = [
  'name',
  'description',
  'price',
  'currency',
  'startsAtMs',
  'endsAtMs',
  'paused',
  'perBuyerLimit',
] as const satisfies readonly (keyof ProductPatch)[];

/**
 * The inventory port: catalogue, purchase, orders, sales, restock and rejection tallies. Every
 * adapter makes `purchase` ONE atomic step — key, rules, limit, stock, decrement, order — so
 * concurrent buyers can never oversell or exceed a limit, a retried key never sells twice, and a
 * rejected purchase changes nothing. Implementations must never read and then write across an
 * `await`. Operator writes (`restock`, `updateProduct`) are atomic with purchases. Opening,
 * health and closing belong to the store kind as a whole (`Stores`), not to this port.
 */
export interface InventoryStore {
  /**
   * Fills an EMPTY store from the catalogue and returns true; returns false and changes nothing
   * when it already holds products, so a restart never resets stock.
   */
  seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean>;
  listProducts(): Promise<ProductRecord[]>;
  findProduct(productId: number): Promise<ProductRecord | undefined>;
  /** The hot read every buyer polls; undefined when the product does not exist. */
  inventory(productId: number): Promise<InventorySnapshot | undefined>;
  /** See `PurchaseCommand`: all or nothing, decided in the order of `PURCHASE_DECISION_ORDER`. */
  purchase(command: PurchaseCommand): Promise<PurchaseOutcome>;
  findOrder(orderId: string): Promise<OrderRecord | undefined>;
  /** A product's orders, oldest first; `limit` 1–500; `after` is a previous page's `nextCursor`. */
  listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord>;
  /**
   * One buyer's orders of every product, oldest first, paged like `listOrders` (same cursor);
   * orders sold but not yet stored durably (Redis) are included.
   */
  listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord>;
  salesSummary(productId: number): Promise<SalesSummary | undefined>;
  /** Adds rejected-attempt counts (batched by the caller; never on the purchase's hot path). */
  recordRejections(counts: readonly RejectionCount[]): Promise<void>;
  /** Operator: a new product with the next free id. */
  createProduct(product: NewProduct): Promise<ProductRecord>;
  /** Operator: only `PATCHABLE_FIELDS` change; undefined when the product does not exist. */
  updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined>;
  /**
   * Operator: atomic with purchases. `set` below what is sold is fine (stock = sold + quantity);
   * undefined when the product does not exist.
   */
  restock(productId: number, restock: Restock): Promise<ProductRecord | undefined>;
  /**
   * Operator: ONE atomic step, atomic with purchases — the order's units back on sale
   * (available += quantity, stock unchanged), the buyer's running total down by them (the limit
   * counts only orders that stand), the order marked cancelled at `nowMs`. Only the first of any
   * number of concurrent cancels of one order succeeds. Pause, schedule and `set` restocks do not
   * stop a cancel; an idempotency key of the cancelled sale still replays it (the key's answer is
   * history, not a second sale).
   */
  cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome>;
}

/** Injection token of the port (a same-named constant, as the Nest ecosystem does). */
export const InventoryStore = Symbol('InventoryStore');
