import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { QueueStats, QueueStatus } from '@gtd/shared-contracts';
import {
  Clock,
  CLOCK,
  InventoryStore,
  isoOrNull,
  ProductMapper,
  productNotFound,
  QueueProgressRecord,
  QueueSettingsRecord,
  QueueStore,
} from '@gtd/api-inventory';
import { QueueSettingsCache } from './queue-settings-cache';
import { placedCount, queueStateOf, RATE_WINDOW_MS } from './queue-rules';
import { QUEUE_OPTIONS, QueueModuleOptions } from './queue.options';

/** How long one instance reuses a computed status: the whole crowd of a drop costs ≤ 4 reads a second. */
export const STATUS_REUSE_MS = 250;

/** A status ready to send: its JSON bytes and a tag of everything in it but `asOf`. */
export interface StatusAnswer {
  status: QueueStatus;
  body: Buffer;
  etag: string;
}

/** The figures the status, the operator and the admission step share. */
export interface QueueFigures {
  settings: QueueSettingsRecord;
  /** The counters the figures were computed from. */
  progress: QueueProgressRecord;
  status: QueueStatus;
  stats: QueueStats;
}

/**
 * The one status answer per drop that every waiting visitor polls, and the operator's figures.
 * Both come from the same reads: the queue's counters, the cursor's recent history, the stock.
 */
@Injectable()
export class QueueStatusBoard {
  private readonly answers = new Map<number, { untilMs: number; answer: Promise<StatusAnswer> }>();
  private readonly firstAdmissions = new Map<number, number>();

  constructor(
    @Inject(QueueStore) private readonly queues: QueueStore,
    @Inject(InventoryStore) private readonly inventory: InventoryStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly products: ProductMapper,
    private readonly settingsCache: QueueSettingsCache,
  ) {}

  /** The public status, computed at most once per STATUS_REUSE_MS per drop on this instance. */
  async answer(productId: number): Promise<StatusAnswer> {
    const settings = await this.settingsCache.enabledOrRefuse(productId);
    const nowMs = this.clock.now();
    const cached = this.answers.get(productId);
    if (cached && cached.untilMs > nowMs) return cached.answer;
    const answer = this.readStatus(settings, nowMs).then(({ status }) => prepare(status));
    this.answers.set(productId, { untilMs: nowMs + STATUS_REUSE_MS, answer });
    // A failed read is not reused: the next poll asks the store again.
    answer.catch(() => this.answers.delete(productId));
    return answer;
  }

  /** Fresh figures of one drop's queue (no reuse): for the operator and the admission step. */
  async figures(settings: QueueSettingsRecord, nowMs = this.clock.now()): Promise<QueueFigures> {
    const { productId } = settings;
    const windowStartMs = nowMs - settings.passLifetimeMs;
    const [{ progress, status }, admittedBeforeWindow, claimed] = await Promise.all([
      this.readStatus(settings, nowMs),
      this.queues.admittedAsOf(productId, windowStartMs),
      this.queues.passesClaimed(productId, 0),
    ]);
    // Claims at positions admitted within the pass lifetime: the passes still valid that bought.
    const claimedInWindow =
      admittedBeforeWindow === 0 ? claimed : await this.queues.passesClaimed(productId, admittedBeforeWindow);
    const undecided = Math.max(0, progress.admitted - admittedBeforeWindow - claimedInWindow);
    const stats: QueueStats = {
      joined: status.joined,
      waiting: status.waiting,
      admitted: progress.admitted,
      passesInUse: undecided,
      converted: claimed,
      conversion: progress.admitted === 0 ? 0 : claimed / progress.admitted,
    };
    return { settings, progress, status, stats };
  }

  /**
   * What the crowd sees, from the reads it needs: the queue's counters, the stock, and the cursor
   * at the start of the rate window (the operator's pass figures cost the crowd nothing).
   */
  private async readStatus(
    settings: QueueSettingsRecord,
    nowMs: number,
  ): Promise<{ progress: QueueProgressRecord; status: QueueStatus }> {
    const { productId } = settings;
    const [progress, snapshot, firstAdmittedAtMs] = await Promise.all([
      this.queues.progress(productId),
      this.inventory.inventory(productId),
      this.firstAdmissionOf(productId),
    ]);
    if (!snapshot) throw productNotFound(productId);
    const rateWindowMs =
      firstAdmittedAtMs === null
        ? RATE_WINDOW_MS
        : Math.max(1_000, Math.min(RATE_WINDOW_MS, nowMs - firstAdmittedAtMs));
    const admittedBeforeRate =
      progress.admitted === 0 ? 0 : await this.queues.admittedAsOf(productId, nowMs - rateWindowMs);
    const observedPerMinute = Math.round(((progress.admitted - admittedBeforeRate) * 60_000) / rateWindowMs);
    const joined = progress.preQueueJoined + progress.openJoined;
    // Before the draw nobody has a place yet: everyone who joined is waiting.
    const waiting = Math.max(
      0,
      progress.drawnCount === null ? joined : placedCount(progress) - progress.admitted,
    );
    const dropState = this.products.stateOf(snapshot, nowMs);
    const status: QueueStatus = {
      productId,
      state: queueStateOf({ settings, dropState, nowMs }),
      preQueueOpensAt: isoOrNull(settings.preQueueOpensAtMs),
      opensAt: isoOrNull(snapshot.startsAtMs),
      admittedThrough: progress.admitted,
      joined,
      waiting,
      available: snapshot.available,
      admissionsPerMinute:
        observedPerMinute === 0 && settings.admissionsPerMinute !== null
          ? settings.admissionsPerMinute
          : observedPerMinute,
      passLifetimeSeconds: Math.round(settings.passLifetimeMs / 1000),
      order: settings.order,
      requireSignIn: settings.requireSignIn,
      proofOfWork: settings.proofOfWork !== null,
      pollAfterMs: this.options.statusPollMs,
      asOf: new Date(nowMs).toISOString(),
    };
    return { progress, status };
  }

  /** When position 1 was admitted: read until it has been, then kept (it never changes). */
  private async firstAdmissionOf(productId: number): Promise<number | null> {
    const known = this.firstAdmissions.get(productId);
    if (known !== undefined) return known;
    const atMs = await this.queues.admittedAt(productId, 1);
    if (atMs !== null) this.firstAdmissions.set(productId, atMs);
    return atMs;
  }
}

/**
 * The bytes and a weak tag: `asOf` changes with every computation, everything else only when the
 * queue moves, so a visitor whose screen would not change gets a 304.
 */
function prepare(status: QueueStatus): StatusAnswer {
  const digest = createHash('sha1')
    .update(JSON.stringify({ ...status, asOf: undefined }))
    .digest('base64url')
    .slice(0, 16);
  return { status, body: Buffer.from(JSON.stringify(status)), etag: `W/"${digest}"` };
}
