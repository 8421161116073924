/**
 * Stable, machine-readable error codes. Clients branch on these, never on messages or statuses alone,
 * so a code is never renamed or reused once shipped.
 */
export const ErrorCode = {
  /** Nothing of the product is left. */
  SoldOut: 'SOLD_OUT',
  /** Less is left than was asked for; nothing was sold (all or nothing). */
  InsufficientStock: 'INSUFFICIENT_STOCK',
  ProductNotFound: 'PRODUCT_NOT_FOUND',
  OrderNotFound: 'ORDER_NOT_FOUND',
  /** A body field, path parameter or query parameter broke a rule; `errors` lists each field. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** The body is not well-formed JSON (a syntax error); well-formed non-objects are VALIDATION_FAILED. */
  MalformedJson: 'MALFORMED_JSON',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** No route matches the method and path. */
  RouteNotFound: 'ROUTE_NOT_FOUND',
  /** Any other client error the framework raised (kept generic on purpose). */
  BadRequest: 'BAD_REQUEST',
  /** A dependency (the store) did not answer; safe to retry later. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /** A fault on our side; details are in the server log, never in the response. */
  InternalError: 'INTERNAL_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The purchase outcomes that are answers, not faults: the buyer lost the race or asked for too much. */
export type PurchaseRejectionCode =
  | typeof ErrorCode.SoldOut
  | typeof ErrorCode.InsufficientStock
  | typeof ErrorCode.ProductNotFound;
