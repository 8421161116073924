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
  /** The order was cancelled before (`cancelledAt` says when); a cancel is never applied twice. */
  OrderAlreadyCancelled: 'ORDER_ALREADY_CANCELLED',
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
  /** The drop opens later; the problem's `startsAt` says when. */
  NotStarted: 'NOT_STARTED',
  /** The drop closed at its `endsAt`. */
  Ended: 'ENDED',
  /** The operator paused the drop; it may resume. */
  Paused: 'PAUSED',
  /** This buyer already holds as much as the drop's `perBuyerLimit` allows (`limit`, `bought`). */
  LimitReached: 'LIMIT_REACHED',
  /** The drop limits purchases per buyer, so the buyer must sign in (bearer token) first. */
  AuthRequired: 'AUTH_REQUIRED',
  /** The bearer token is missing, malformed, expired or wrong (admin token or buyer token). */
  Unauthorized: 'UNAUTHORIZED',
  /** The operator API is switched off because no `ADMIN_TOKEN` is configured. */
  AdminDisabled: 'ADMIN_DISABLED',
  /** Registration with an email that already has an account. */
  EmailTaken: 'EMAIL_TAKEN',
  /** Sign-in with an unknown email or a wrong password (deliberately not told apart). */
  InvalidCredentials: 'INVALID_CREDENTIALS',
  /** Too many purchase attempts; `Retry-After` says when to try again. */
  RateLimited: 'RATE_LIMITED',
  /** The `Idempotency-Key` was first used with a different request body. */
  IdempotencyKeyMismatch: 'IDEMPOTENCY_KEY_MISMATCH',
  /**
   * The idempotency-key draft's answer for a retry that arrives while the first request is undecided.
   * The stores here decide the key inside the purchase's atomic step, so a concurrent retry waits and
   * receives the first answer instead; the code is kept so clients treat it as "retry, same key" should
   * a future store be unable to decide atomically.
   */
  IdempotencyKeyInUse: 'IDEMPOTENCY_KEY_IN_USE',
  /** The drop has no waiting room (`…/queue` routes). */
  QueueNotEnabled: 'QUEUE_NOT_ENABLED',
  /** Joining before the pre-queue opens (`preQueueOpensAt`), or after the drop ended. */
  QueueClosed: 'QUEUE_CLOSED',
  /** The drop's queue asks for a solved proof-of-work challenge and none (or a wrong one) came. */
  ProofOfWorkRequired: 'PROOF_OF_WORK_REQUIRED',
  /** The challenge was solved wrongly, expired, or was used before. */
  ProofOfWorkInvalid: 'PROOF_OF_WORK_INVALID',
  /** The `Queue-Ticket` is missing, forged, or of another drop. */
  QueueTicketInvalid: 'QUEUE_TICKET_INVALID',
  /** The pre-queue's order is drawn at the opening; it is not drawn yet. */
  QueueNotDrawn: 'QUEUE_NOT_DRAWN',
  /** The ticket's position has not been admitted yet (`position`, `admittedThrough`). */
  QueueNotYourTurn: 'QUEUE_NOT_YOUR_TURN',
  /** The drop has a queue and `POST /buy` came without a `Queue-Pass`. */
  QueuePassRequired: 'QUEUE_PASS_REQUIRED',
  /** The pass's time ran out (`expiresAt`). */
  QueuePassExpired: 'QUEUE_PASS_EXPIRED',
  /** The pass is forged, of another drop, or of another buyer. */
  QueuePassInvalid: 'QUEUE_PASS_INVALID',
  /** An anonymous pass buys once, and it has bought. */
  QueuePassUsed: 'QUEUE_PASS_USED',
  /** The scanned ticket is malformed, forged, or signed by a key this system does not hold. */
  TicketInvalid: 'TICKET_INVALID',
  /** The ticket was admitted before (`checkedInAt`, `scanner` say when and where). */
  AlreadyCheckedIn: 'ALREADY_CHECKED_IN',
  /** The ticket's order was cancelled by the operator: it admits no one (`cancelledAt`). */
  TicketRevoked: 'TICKET_REVOKED',
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
  | typeof ErrorCode.ProductNotFound
  | typeof ErrorCode.NotStarted
  | typeof ErrorCode.Ended
  | typeof ErrorCode.Paused
  | typeof ErrorCode.LimitReached
  | typeof ErrorCode.AuthRequired;
