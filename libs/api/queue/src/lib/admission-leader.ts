import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, CLOCK, QueueSettingsRecord, QueueStore } from '@gtd/api-inventory';
import { ADMISSION_LEASE_MS, ADMISSION_TICK_MS, admissionsDue, drawOrder } from './queue-rules';
import { QueueSettingsCache } from './queue-settings-cache';
import { QueueStatusBoard } from './queue-status-board';

/** A draw races pre-queue joins whose clock is behind; it is retried this often before the next tick. */
const DRAW_ATTEMPTS = 3;

/**
 * Moves every queue forward once a tick. Any number of instances run this loop; per drop, the one
 * holding the store's lease (renewed each tick, ADMISSION_LEASE_MS long) draws the pre-queue's
 * order at the opening and advances the cursor, so a leader that dies is replaced within a lease.
 * Even two instances that both believe they lead cannot hand out a position twice: the cursor
 * moves only from the value read (`admit` compares and sets), and the order is drawn once.
 */
@Injectable()
export class AdmissionLeader implements OnApplicationBootstrap, OnApplicationShutdown {
  /** This process among every instance (host, pid and a nonce: a restarted pid is someone else). */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly logger = new Logger('Queue');

  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly settings: QueueSettingsCache,
    private readonly board: QueueStatusBoard,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), ADMISSION_TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One beat for every queue; a beat still running when the next is due is not doubled. */
  tick(): Promise<void> {
    this.running ??= this.beat().finally(() => (this.running = undefined));
    return this.running;
  }

  private async beat(): Promise<void> {
    try {
      await this.settings.refresh();
    } catch (error) {
      this.logger.warn({ msg: 'Could not refresh the queue settings', err: error });
      return;
    }
    await Promise.all(this.settings.enabledQueues().map((queue) => this.advance(queue)));
  }

  /** Draws at the opening, then admits what the rules allow; a store fault skips this beat only. */
  private async advance(settings: QueueSettingsRecord): Promise<void> {
    const { productId } = settings;
    try {
      const nowMs = this.clock.now();
      if (!(await this.store.lead(productId, this.holder, nowMs, ADMISSION_LEASE_MS))) return;
      const figures = await this.board.figures(settings, nowMs);
      const { status, stats } = figures;
      let { progress } = figures;
      const opened = status.opensAt === null || Date.parse(status.opensAt) <= nowMs;
      if (progress.drawnCount === null) {
        if (!opened) return;
        await this.draw(settings, progress.preQueueJoined);
        progress = await this.store.progress(productId);
      }
      const due = admissionsDue({
        settings,
        progress,
        available: status.available,
        undecided: stats.passesInUse,
        dropOpen: status.state === 'admitting',
        nowMs,
      });
      if (due > 0) await this.store.admit(productId, progress.admitted, progress.admitted + due, nowMs);
    } catch (error) {
      this.logger.warn({ msg: 'A queue could not advance this beat', productId, err: error });
    }
  }

  /** `size`: the pre-queue as last read; a join since then makes the draw stale, and it is redrawn. */
  private async draw(settings: QueueSettingsRecord, size: number): Promise<void> {
    const { productId } = settings;
    if (settings.order === 'fifo') {
      await this.store.draw(productId, null);
      return;
    }
    for (let attempt = 0; attempt < DRAW_ATTEMPTS; attempt++) {
      const result = await this.store.draw(productId, drawOrder(size));
      if (result.status === 'drawn') {
        this.logger.log({ msg: 'Drew the pre-queue order', productId, size: result.drawnCount });
        return;
      }
      size = result.preQueueJoined;
    }
  }
}
