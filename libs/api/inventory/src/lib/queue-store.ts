/**
 * The waiting room's port: per-drop queue settings, the join counters, the drawn order, the
 * admission cursor with its history, pass uses, the admission leader's lease, spent proof-of-work
 * challenges and shared signing secrets. Tickets and passes themselves are signed tokens (see
 * libs/api/queue), so a visitor who waits costs the store nothing: a drop with 100,000 visitors
 * stores two counters, one drawn order (4 bytes a pre-queue visitor), a row per signed-in joiner
 * and one row per admission step.
 *
 * Positions: a visitor who joined before the opening holds pre-queue ticket `n` (1-based, in
 * arrival order); its position is `drawnOrder[n - 1] + 1` once the order is drawn. A visitor who
 * joined after holds open ticket `n`; its position is `drawnCount + n`. Admission lets through
 * every position up to `admitted`.
 */

/** How the pre-queue is ordered at the opening. */
export type QueueOrder = 'random' | 'fifo';

/** The operator's settings of a drop's queue, as stored. Times are epoch milliseconds. */
export interface QueueSettingsRecord {
  productId: number;
  enabled: boolean;
  /** When the pre-queue opens (joining before it is refused); `null`: open now. */
  preQueueOpensAtMs: number | null;
  order: QueueOrder;
  /** Admissions a minute; `null`: automatic (stock-aware, see `stockMultiple`). */
  admissionsPerMinute: number | null;
  /** Automatic mode keeps admitted-but-undecided visitors at most `ceil(stockMultiple × available)`. */
  stockMultiple: number;
  /** How long an admitted visitor may buy, counted from the admission. */
  passLifetimeMs: number;
  /** Joining needs a signed-in buyer (one ticket per buyer, the pass names the buyer). */
  requireSignIn: boolean;
  /** Proof-of-work cost of joining: the challenge's `maxNumber` (`null`: none). */
  proofOfWork: number | null;
  /** The operator stopped admissions (waiting visitors keep their places). */
  admissionsPaused: boolean;
}

export type QueueTicketKind = 'pre' | 'open';

/** What a join hands out: the ticket's kind and number, and whether the buyer already held it. */
export interface QueueTicketRecord {
  kind: QueueTicketKind;
  /** 1-based, in arrival order within its kind. */
  n: number;
  /** True when a signed-in buyer joined again and got the ticket already held. */
  existing: boolean;
}

/** One step of the admission cursor: at `atMs` every position up to `through` was admitted. */
export interface QueueAdmissionStep {
  atMs: number;
  through: number;
}

/** A drop's queue as it stands: one read. */
export interface QueueProgressRecord {
  /** Pre-queue tickets handed out. */
  preQueueJoined: number;
  /** Open tickets handed out (joined after the opening). */
  openJoined: number;
  /** The pre-queue's size when its order was drawn; `null`: not drawn yet. */
  drawnCount: number | null;
  /** Positions 1…admitted have been admitted. */
  admitted: number;
  /** When the cursor last moved (`null`: never). */
  lastAdmittedAtMs: number | null;
}

export type QueueDrawResult =
  /** Drawn now, or earlier (then `order` is the one drawn then: every instance sees the same). */
  | { status: 'drawn'; drawnCount: number }
  /** More pre-queue tickets exist than the order given covers: draw again for `preQueueJoined`. */
  | { status: 'stale'; preQueueJoined: number };

export type PassClaimResult = 'claimed' | 'same' | 'taken';

/**
 * The queue port. Every mutating call is one atomic step in every adapter, so any number of
 * instances may join, draw and admit at once: a ticket number is never handed out twice, the order
 * is drawn once, the cursor only moves forward from the value the caller read, a pass is claimed
 * by one purchase attempt, a lease has one holder.
 */
export interface QueueStore {
  /** Every drop's settings (one read per refresh of each instance's cache). */
  listSettings(): Promise<QueueSettingsRecord[]>;
  settings(productId: number): Promise<QueueSettingsRecord | undefined>;
  /** Creates or replaces a drop's settings; the counters, order and cursor are kept. */
  saveSettings(settings: QueueSettingsRecord): Promise<QueueSettingsRecord>;

  /**
   * A ticket. `preQueue`: the caller's clock says the drop has not opened — but once the order is
   * drawn the store hands out an open ticket anyway (a late pre-queue join never enters the draw).
   * With a `buyerId`, a buyer who already holds a ticket of this drop gets it again (`existing`).
   */
  join(productId: number, buyerId: string | null, preQueue: boolean): Promise<QueueTicketRecord>;
  /** Counters and cursor; zeros for a drop nobody joined. */
  progress(productId: number): Promise<QueueProgressRecord>;
  /**
   * Draws the pre-queue's order once: `order[i]` is the 0-based position of pre-queue ticket
   * `i + 1`, a permutation of `0…order.length - 1`. `stale` when `order.length` is not the number
   * of pre-queue tickets; a drop drawn before answers `drawn` and keeps its first order. `null`
   * draws the identity (fifo) without storing an order.
   */
  draw(productId: number, order: Uint32Array | null): Promise<QueueDrawResult>;
  /** The drawn order (`null`: none drawn, or drawn as fifo). Immutable once drawn: cache it. */
  drawnOrder(productId: number): Promise<Uint32Array | null>;
  /**
   * Moves the cursor from `expected` to `through` (> `expected`) at `atMs` and records the step;
   * false, changing nothing, when the cursor is no longer `expected` (another instance moved it).
   */
  admit(productId: number, expected: number, through: number, atMs: number): Promise<boolean>;
  /** When `position` was admitted (the first step whose `through` reaches it); `null`: not yet. */
  admittedAt(productId: number, position: number): Promise<number | null>;
  /** The cursor as it stood at `atMs` (0 before the first step). */
  admittedAsOf(productId: number, atMs: number): Promise<number>;

  /**
   * Records a purchase made with the pass of `position`. A pass without a named buyer buys once:
   * the first `claimKey` holds it (`claimed`), the same key again is a retry (`same`), any other
   * is refused (`taken`).
   */
  claimPass(productId: number, position: number, claimKey: string): Promise<PassClaimResult>;
  /** Gives a claim back (the attempt it was made for changed nothing); no-op for another key. */
  releasePass(productId: number, position: number, claimKey: string): Promise<void>;
  /** Passes claimed at positions greater than `afterPosition` (conversions, and the undecided count). */
  passesClaimed(productId: number, afterPosition: number): Promise<number>;

  /**
   * Takes or renews the admission lease of a drop for `holder` until `nowMs + leaseMs`. True when
   * `holder` leads now (it held it, or nobody did, or the last holder's lease ran out).
   */
  lead(productId: number, holder: string, nowMs: number, leaseMs: number): Promise<boolean>;
  /** Spends a proof-of-work challenge once: false when it was spent before (a replay). */
  spendChallenge(challengeId: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
  /** The secret stored under `name`, storing `candidate` first if there is none: every instance agrees. */
  sharedSecret(name: string, candidate: string): Promise<string>;
}

/** Injection token of the port. */
export const QueueStore = Symbol('QueueStore');
