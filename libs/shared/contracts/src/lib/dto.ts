import type { ErrorCode } from './error-codes';
import type { QueueStats } from './queue';

/**
 * Where a drop stands, derived from its schedule, pause flag and stock at the moment of asking.
 * Precedence: `paused` > `upcoming` (before `startsAt`) > `ended` (at or after `endsAt`) >
 * `sold_out` (nothing left) > `live`.
 */
export const DROP_STATES = ['upcoming', 'live', 'paused', 'sold_out', 'ended'] as const;
export type DropState = (typeof DROP_STATES)[number];

/** The operator-set rules of a drop (public: buyers see when it opens and what the limit is). */
export interface DropSchedule {
  /** ISO 8601; purchases before it get 409 NOT_STARTED. `null`: open since creation. */
  startsAt: string | null;
  /** ISO 8601; purchases at or after it get 409 ENDED. `null`: no end. */
  endsAt: string | null;
  /** Most units one signed-in buyer may hold; `null`: no limit, anonymous purchases allowed. */
  perBuyerLimit: number | null;
}

/** A product on sale in a drop. Prices are integers in the currency's minor unit (cents). */
export interface Product extends DropSchedule {
  id: number;
  name: string;
  description: string;
  price: number;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
  /** The stock the drop started with. */
  stock: number;
  /** What is left right now. */
  available: number;
  /** The most one purchase may ask for (server configuration). */
  maxQuantityPerPurchase: number;
  state: DropState;
}

/** The cheap, pollable live count: `GET /products/{id}/inventory` (and each SSE event). */
export interface Inventory {
  productId: number;
  available: number;
  state: DropState;
  /** How long the server asks clients to wait before the next poll; raised under load. */
  pollAfterMs: number;
}

/** Body of `POST /buy`. */
export interface PurchaseRequest {
  productId: number;
  quantity: number;
}

/** 201 answer of `POST /buy`. */
export interface PurchaseResult {
  orderId: string;
  productId: number;
  quantity: number;
  /** Stock left right after this purchase. */
  remaining: number;
}

/** `sold` until the operator cancels it; a cancelled order's units went back on sale. */
export const ORDER_STATUSES = ['sold', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A confirmed order: `GET /orders/{orderId}`. */
export interface Order {
  orderId: string;
  productId: number;
  quantity: number;
  /** What one unit cost when it sold, in minor units of `currency`; a later price change leaves it. */
  unitPrice: number;
  /** ISO 4217 code of `unitPrice` and `total`. */
  currency: string;
  /** `unitPrice` × `quantity`. */
  total: number;
  /** ISO 8601 timestamp of the sale. */
  createdAt: string;
  status: OrderStatus;
  /** ISO 8601 timestamp of the operator's cancel; `null` while sold. */
  cancelledAt: string | null;
}

/** One of the signed-in buyer's own orders: `GET /me/orders`. */
export interface MyOrder extends Order {
  /** The product's name as it is now (a renamed product shows its new name). */
  productName: string;
}

/** A page of `GET /me/orders?limit=&after=`, oldest first. */
export interface MyOrdersPage {
  items: MyOrder[];
  /** Pass as `after` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Body of `POST /auth/register` and `POST /auth/sign-in`. */
export interface Credentials {
  email: string;
  password: string;
}

export interface Buyer {
  id: string;
  email: string;
}

/** Answer of register / sign-in: a bearer token for `Authorization: Bearer …`. */
export interface AuthSession {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
  buyer: Buyer;
}

/** Body of `POST /admin/products`: a new drop. */
export interface CreateDropRequest {
  name: string;
  description?: string;
  price: number;
  currency: string;
  stock: number;
  startsAt?: string | null;
  endsAt?: string | null;
  perBuyerLimit?: number | null;
}

/** Body of `PATCH /admin/products/{id}`: any subset; stock changes go through restock. */
export type UpdateDropRequest = Partial<Omit<CreateDropRequest, 'stock'>>;

/** Body of `POST /admin/products/{id}/restock`: `add` units, or `set` what is available. */
export interface RestockRequest {
  mode: 'add' | 'set';
  quantity: number;
}

/** A product as the operator sees it (includes the pause flag). */
export interface AdminProduct extends Product {
  paused: boolean;
}

/** An order as the operator sees it. */
export interface AdminOrder extends Order {
  /** `null` for anonymous purchases. */
  buyerId: string | null;
}

/** Answer of `POST /admin/orders/{orderId}/cancel`: the cancelled order and what is on sale now. */
export interface OrderCancellation {
  order: AdminOrder;
  /** The product's available units right after the cancel (its units are back on sale). */
  available: number;
}

/** A page of `GET /admin/products/{id}/orders?limit=&after=`. */
export interface OrdersPage {
  items: AdminOrder[];
  /** Pass as `after` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Sell-through of one drop: `GET /admin/products/{id}/summary`. */
export interface DropSummary {
  productId: number;
  state: DropState;
  stock: number;
  sold: number;
  available: number;
  orders: number;
  /** Distinct signed-in buyers with at least one order. */
  buyers: number;
  /** Rejected purchase attempts by code (eventually consistent: flushed about once a second). */
  rejects: Partial<Record<ErrorCode, number>>;
  /** The waiting room's figures, when the drop has one. */
  queue?: QueueStats;
}

/** One operator change: `GET /admin/audit`. */
export interface AuditEntry {
  id: string;
  /** ISO 8601. */
  at: string;
  /** Who: the operator identity (the admin token's holder) plus where the call came from. */
  actor: string;
  /** e.g. `product.create`, `product.update`, `product.restock`, `product.pause`, `product.resume`. */
  action: string;
  productId: number | null;
  /** The validated request (and, for restocks, the stock before and after). */
  details: Record<string, unknown>;
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. `quantity` or `id`. */
  field: string;
  messages: string[];
}

/**
 * Every error answer (RFC 9457 problem details, `application/problem+json`), plus a stable `code`.
 * Extension members appear only where they help the client act: `errors` for validation,
 * `available` when stock was insufficient.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  available?: number;
  productId?: number;
  /** NOT_STARTED: when the drop opens (ISO 8601). */
  startsAt?: string;
  /** ENDED: when it closed (ISO 8601). */
  endsAt?: string;
  /** LIMIT_REACHED: the drop's per-buyer limit and what this buyer already holds. */
  limit?: number;
  bought?: number;
  /** QUEUE_NOT_YOUR_TURN: the ticket's position and how far admission has reached. */
  position?: number;
  admittedThrough?: number;
  /** ALREADY_CHECKED_IN: when and by which scanner the ticket was admitted. */
  checkedInAt?: string;
  scanner?: string;
  /** QUEUE_PASS_EXPIRED: when the pass ran out (ISO 8601). */
  expiresAt?: string;
  /** RATE_LIMITED, SERVICE_UNAVAILABLE: seconds to wait (also in the `Retry-After` header). */
  retryAfterSeconds?: number;
  /** SERVICE_UNAVAILABLE on `POST /buy`: whether the purchase was certainly not made or may have been. */
  purchase?: PurchaseFaultOutcome;
  /** SERVICE_UNAVAILABLE on `POST /admin/orders/{orderId}/cancel`: certainly not made, or may have been. */
  cancel?: PurchaseFaultOutcome;
  /** ORDER_ALREADY_CANCELLED, TICKET_REVOKED: when the operator cancelled the order (ISO 8601). */
  cancelledAt?: string;
  /**
   * SERVICE_UNAVAILABLE on `GET /admin/health` only: each check as in the 200 answer's `details`
   * (`status` up or down, its figures such as the persister's `backlog`, its error).
   */
  details?: Record<string, Record<string, unknown>>;
}

/**
 * What a buyer knows after a 503 on `POST /buy`. `NOT_MADE`: the store was never reached, nothing
 * was sold, any retry is safe. `UNKNOWN`: the store was asked and did not answer, so the sale may
 * have happened: retry with the same `Idempotency-Key` (the answer is then the first one, never a
 * second sale), or look the order up.
 */
export const PurchaseFaultOutcome = {
  NotMade: 'NOT_MADE',
  Unknown: 'UNKNOWN',
} as const;
export type PurchaseFaultOutcome = (typeof PurchaseFaultOutcome)[keyof typeof PurchaseFaultOutcome];
