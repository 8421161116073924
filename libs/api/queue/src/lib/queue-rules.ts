import { randomInt } from 'node:crypto';
import { QueueState } from '@gtd/shared-contracts';
import { QueueProgressRecord, QueueSettingsRecord, QueueTicketKind } from '@gtd/api-inventory';

/** What a setting is when the operator does not say. */
export const QUEUE_DEFAULTS = {
  order: 'random',
  admissionsPerMinute: null,
  stockMultiple: 1.2,
  passLifetimeMs: 5 * 60_000,
  requireSignIn: false,
  proofOfWork: null,
  admissionsPaused: false,
  preQueueOpensAtMs: null,
} as const satisfies Partial<QueueSettingsRecord>;

/** How often the leader moves the cursor, and how long its lease outlives a missed beat. */
export const ADMISSION_TICK_MS = 1_000;
export const ADMISSION_LEASE_MS = 5_000;
/** The window the status's observed admission rate is measured over. */
export const RATE_WINDOW_MS = 60_000;
/**
 * A rate-mode cursor never jumps by more than this much time's worth of admissions: after a pause
 * or a sell-out the leader resumes at the set rate instead of admitting the whole gap at once.
 */
const RATE_CATCH_UP_MS = 2_000;

/**
 * A uniformly random permutation of 0…size-1 (Fisher–Yates on `crypto.randomInt`, which draws
 * without modulo bias): `order[n - 1]` is pre-queue ticket n's 0-based position.
 */
export function drawOrder(size: number, random: (max: number) => number = randomInt): Uint32Array {
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  for (let i = size - 1; i > 0; i--) {
    const j = random(i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/**
 * A ticket's 1-based position, or null until the order is drawn. Pre-queue tickets take their
 * drawn place (fifo: their arrival), open tickets line up behind the whole pre-queue.
 */
export function positionOf(
  ticket: { kind: QueueTicketKind; n: number },
  drawnCount: number | null,
  order: Uint32Array | null,
): number | null {
  if (drawnCount === null) return null;
  if (ticket.kind === 'open') return drawnCount + ticket.n;
  if (ticket.n > drawnCount) return null;
  return order ? order[ticket.n - 1] + 1 : ticket.n;
}

/** Tickets that have a place in line (a pre-queue ticket only once its order is drawn). */
export const placedCount = (progress: QueueProgressRecord): number =>
  progress.drawnCount === null ? 0 : progress.drawnCount + progress.openJoined;

/** Everything the admission step looks at, read once per tick. */
export interface AdmissionInput {
  settings: QueueSettingsRecord;
  progress: QueueProgressRecord;
  available: number;
  /** Admitted visitors whose turn has not run out and who have not bought. */
  undecided: number;
  /** The drop sells now (started, not ended, not paused). */
  dropOpen: boolean;
  nowMs: number;
}

/**
 * How many more positions to admit now. Never past the last placed ticket, never while paused, and
 * never while nothing is left: a queue that knows the stock stops admitting at the last unit.
 * Automatic mode keeps the undecided within `stockMultiple` of what is left; rate mode admits the
 * set number a minute.
 */
export function admissionsDue(input: AdmissionInput): number {
  const { settings, progress, available, undecided, dropOpen, nowMs } = input;
  if (!settings.enabled || settings.admissionsPaused || !dropOpen || available <= 0) return 0;
  const waiting = placedCount(progress) - progress.admitted;
  if (waiting <= 0) return 0;
  let due: number;
  if (settings.admissionsPerMinute === null) {
    due = Math.ceil(settings.stockMultiple * available) - undecided;
  } else {
    // At least one admission's worth of time, so a rate under one a tick still admits someone.
    const catchUpMs = Math.max(RATE_CATCH_UP_MS, 60_000 / settings.admissionsPerMinute);
    const since = progress.lastAdmittedAtMs ?? nowMs - catchUpMs;
    const elapsed = Math.min(Math.max(0, nowMs - since), catchUpMs);
    due = Math.floor((settings.admissionsPerMinute * elapsed) / 60_000);
  }
  return Math.max(0, Math.min(due, waiting));
}

/** What the crowd is told, from the drop's and the queue's state. */
export function queueStateOf(input: {
  settings: QueueSettingsRecord;
  dropState: 'upcoming' | 'live' | 'paused' | 'sold_out' | 'ended';
  nowMs: number;
}): QueueState {
  const { settings, dropState, nowMs } = input;
  if (dropState === 'ended') return 'closed';
  if (settings.preQueueOpensAtMs !== null && nowMs < settings.preQueueOpensAtMs) return 'closed';
  if (dropState === 'upcoming') return 'pre_queue';
  if (dropState === 'sold_out') return 'sold_out';
  if (dropState === 'paused' || settings.admissionsPaused) return 'paused';
  return 'admitting';
}
