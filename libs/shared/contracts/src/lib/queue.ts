/**
 * The waiting room's vocabulary (`/products/{id}/queue…`, `/admin/products/{id}/queue`). A drop
 * with a queue sells only to visitors holding a pass; waiting costs the origin one cacheable status
 * answer a poll interval for the whole crowd, plus one position lookup per visitor.
 */

/**
 * Where a drop's queue stands, for everyone waiting. `pre_queue`: joining, the order is drawn at
 * the opening (`opensAt`); `admitting`: the cursor moves; `paused`: the operator (or the drop) is
 * paused; `sold_out`: nothing left, nobody more is admitted (it may resume on a restock);
 * `closed`: the pre-queue has not opened yet, or the drop ended.
 */
export const QUEUE_STATES = ['pre_queue', 'admitting', 'paused', 'sold_out', 'closed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export const QUEUE_ORDERS = ['random', 'fifo'] as const;
export type QueueOrder = (typeof QUEUE_ORDERS)[number];

/** `GET /products/{id}/queue`: the same answer for every visitor (ETag, cacheable about a second). */
export interface QueueStatus {
  productId: number;
  state: QueueState;
  /** ISO 8601: when joining opens; `null`: open. */
  preQueueOpensAt: string | null;
  /** ISO 8601: the drop's opening, when the pre-queue's order is drawn; `null`: open since creation. */
  opensAt: string | null;
  /** Every position up to this one has been admitted. */
  admittedThrough: number;
  /** Tickets handed out. */
  joined: number;
  /** Visitors behind the cursor. */
  waiting: number;
  /** Units left. */
  available: number;
  /** Admissions over the last minute (the configured rate while nothing was admitted yet). */
  admissionsPerMinute: number;
  /** How long a pass lasts from the moment its position is admitted. */
  passLifetimeSeconds: number;
  /** How the pre-queue is placed at the opening: drawn at random, or in the order of joining. */
  order: QueueOrder;
  /** Joining needs a signed-in buyer. */
  requireSignIn: boolean;
  /** Joining needs a solved proof-of-work challenge (`GET …/queue/challenge`). */
  proofOfWork: boolean;
  /** Wait this long before asking again. */
  pollAfterMs: number;
  /** ISO 8601: when this answer was computed. */
  asOf: string;
}

/** Body of `POST /products/{id}/queue`: the solved challenge, when the drop asks for one. */
export interface QueueJoinRequest {
  /** The ALTCHA payload (base64 JSON of the challenge and its solution). */
  proof?: string;
}

/** `POST /products/{id}/queue` (201) and `GET /products/{id}/queue/position`. */
export interface QueueTicket {
  /** Signed; send it as the `Queue-Ticket` header. Keep it: a reload keeps the place. */
  ticket: string;
  productId: number;
  /** 1-based; `null` until the pre-queue's order is drawn at the opening. */
  position: number | null;
  /** Joined before the opening (its place is drawn) rather than after (appended). */
  preQueue: boolean;
  /**
   * The ticket's number among those of its kind (pre-queue or later), in order of joining. A
   * pre-queue ticket's place is entry `number` of the drawn order: block
   * `ceil(number / QUEUE_ORDER_BLOCK_SIZE)` of `GET …/queue/order/{block}`.
   */
  number: number;
}

/** Pre-queue tickets per block of the drawn order. */
export const QUEUE_ORDER_BLOCK_SIZE = 1000;

/**
 * `GET /products/{id}/queue/order/{block}`: where pre-queue tickets `firstTicket`… stand once drawn.
 * The same for everyone and never changed, so an edge keeps it: a crowd learning its places at the
 * opening costs the origin one request per block, not one per visitor.
 */
export interface QueueOrderBlock {
  productId: number;
  /** 1-based. */
  block: number;
  /** The pre-queue ticket number of `positions[0]`. */
  firstTicket: number;
  /** `positions[i]` is the place of pre-queue ticket `firstTicket + i`. */
  positions: number[];
}

/** `POST /products/{id}/queue/pass` (201): send `pass` as the `Queue-Pass` header of `POST /buy`. */
export interface QueuePass {
  pass: string;
  productId: number;
  position: number;
  /** ISO 8601: purchases with the pass are refused from then on. */
  expiresAt: string;
}

/** The ALTCHA challenge of `GET /products/{id}/queue/challenge` (solve, then send as `proof`). */
export interface QueueChallenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

/** The operator's settings: `PUT /admin/products/{id}/queue`, and `GET` of the same. */
export interface QueueSettings {
  enabled: boolean;
  /** ISO 8601, before the drop's `startsAt`; `null`: joining is open now. */
  preQueueOpensAt: string | null;
  order: QueueOrder;
  /** Visitors admitted a minute; `null`: automatic, stock-aware (see `stockMultiple`). */
  admissionsPerMinute: number | null;
  /** Automatic mode keeps admitted visitors who have not bought within this multiple of the units left. */
  stockMultiple: number;
  passLifetimeSeconds: number;
  requireSignIn: boolean;
  /** Proof-of-work difficulty (the challenge's `maxnumber`); `null`: none. */
  proofOfWork: number | null;
  admissionsPaused: boolean;
}

/** A queue's figures for the operator: in the summary route and in `/metrics`. */
export interface QueueStats {
  joined: number;
  waiting: number;
  admitted: number;
  /** Admitted visitors whose pass is still valid and who have not bought. */
  passesInUse: number;
  /** Admitted visitors who bought. */
  converted: number;
  /** converted / admitted (0 when nobody was admitted). */
  conversion: number;
}

/** `GET /admin/products/{id}/queue`. */
export interface AdminQueue {
  productId: number;
  settings: QueueSettings;
  status: QueueStatus;
  stats: QueueStats;
}

/** Request headers of the queue. */
export const QUEUE_TICKET_HEADER = 'Queue-Ticket';
export const QUEUE_PASS_HEADER = 'Queue-Pass';
