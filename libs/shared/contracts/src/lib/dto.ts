import type { ErrorCode } from './error-codes';

/** A product on sale in a drop. Prices are integers in the currency's minor unit (cents). */
export interface Product {
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
}

/** The cheap, pollable live count: `GET /products/{id}/inventory`. */
export interface Inventory {
  productId: number;
  available: number;
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

/** A confirmed order: `GET /orders/{orderId}`. */
export interface Order {
  orderId: string;
  productId: number;
  quantity: number;
  /** ISO 8601 timestamp of the sale. */
  createdAt: string;
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
}
