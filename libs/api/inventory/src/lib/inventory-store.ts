import { PurchaseRejectionCode } from '@gtd/shared-contracts';
import { CatalogEntry } from './catalog';

export interface ProductRecord {
  id: number;
  name: string;
  description: string;
  /** Minor units of `currency`. */
  price: number;
  currency: string;
  /** Stock the drop started with (plus restocks). */
  stock: number;
  available: number;
}

export interface OrderRecord {
  orderId: string;
  productId: number;
  quantity: number;
  /** ISO 8601. */
  createdAt: string;
}

export type PurchaseOutcome =
  | { ok: true; order: OrderRecord; remaining: number }
  | { ok: false; code: PurchaseRejectionCode; available: number };

/** Invariant every adapter keeps: `stock = available + sold`, and `orders` rows sum to `sold`. */
export interface SalesSummary {
  productId: number;
  stock: number;
  available: number;
  sold: number;
  orders: number;
}

export interface DependencyHealth {
  name: string;
  up: boolean;
  details?: Record<string, unknown>;
}

/** Runs one dependency's check; a rejection becomes `up: false` with its message. */
export async function checkDependency(
  name: string,
  check: () => Promise<Record<string, unknown> | void>,
): Promise<DependencyHealth> {
  try {
    return { name, up: true, details: (await check()) ?? undefined };
  } catch (error) {
    return { name, up: false, details: { error: (error as Error).message } };
  }
}

/**
 * The storage port. Every adapter makes `purchase` ONE atomic step — check stock, decrement,
 * record the order — so concurrent buyers can never oversell, and a rejected purchase changes
 * nothing. Implementations must never read and then write across an `await`.
 */
export interface InventoryStore {
  /** Adapter name, for health and logs. */
  readonly kind: string;
  /** Creates or migrates the schema. Idempotent; safe when several processes start at once. */
  init(): Promise<void>;
  /**
   * Fills an EMPTY store from the catalogue and returns true; returns false and changes nothing
   * when it already holds products, so a restart never resets stock.
   */
  seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean>;
  listProducts(): Promise<ProductRecord[]>;
  findProduct(productId: number): Promise<ProductRecord | undefined>;
  /** The hot read every buyer polls; undefined when the product does not exist. */
  available(productId: number): Promise<number | undefined>;
  /** All or nothing: either `quantity` is sold and an order stored, or nothing changes. */
  purchase(productId: number, quantity: number): Promise<PurchaseOutcome>;
  findOrder(orderId: string): Promise<OrderRecord | undefined>;
  salesSummary(productId: number): Promise<SalesSummary | undefined>;
  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  /** Each dependency checked on its own (and, where there is one, the persister's backlog). */
  checkHealth(): Promise<DependencyHealth[]>;
  /** Finishes queued work and releases the store. */
  close(): Promise<void>;
}

/** Injection token of the port (a same-named constant, as the Nest ecosystem does). */
export const InventoryStore = Symbol('InventoryStore');
