import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { BuyerSession, DropStore, parseInstant, QueueStore } from '@gtd/web-data-access';
import { Countdown, InstantPipe } from '@gtd/web-ui';
import { soldOutSentence } from '../text/product-wording';
import { formatTurnLeft, formatWait, joinRefusalText, spokenTurnLeft } from './queue-text';

/**
 * The waiting room on a drop page: join, wait (place, people ahead, estimated wait), the turn
 * with its countdown, and what everyone waiting is told (sold out, paused, closed). The state is
 * {@link QueueStore}'s (provided by the page); the Buy now form stays the page's, shown once the
 * turn has come.
 *
 * Accessibility: the figures change with every poll, so they are plain text; one polite live
 * region speaks the store's `announcement`, which changes only with the phase or when the people
 * ahead pass a threshold.
 */
@Component({
  selector: 'gtd-queue-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Countdown, InstantPipe, NgTemplateOutlet, RouterLink],
  templateUrl: './queue-panel.html',
  styleUrl: './queue-panel.css',
})
export class QueuePanel {
  protected readonly queue = inject(QueueStore);
  protected readonly drop = inject(DropStore);
  private readonly session = inject(BuyerSession);

  protected readonly status = this.queue.status;

  /** Before the pre-queue opens, when it does. */
  protected readonly preQueueOpening = computed(() => {
    const iso = this.status()?.preQueueOpensAt ?? null;
    const atMs = parseInstant(iso);
    return iso !== null && atMs !== null && atMs > this.drop.now() ? { iso, atMs } : null;
  });

  protected readonly waitText = computed(() => formatWait(this.queue.estimatedWaitMs()));
  protected readonly turnLeft = computed(() => {
    const ms = this.queue.passLeftMs();
    return ms === null ? null : { digits: formatTurnLeft(ms), spoken: spokenTurnLeft(ms) };
  });

  /** Whether the pre-queue's places are drawn at random at the opening (else: the order of joining). */
  protected readonly drawnAtRandom = computed(() => this.status()?.order !== 'fifo');

  protected readonly mustSignIn = computed(
    () => this.status()?.requireSignIn === true && !this.session.signedIn(),
  );

  protected readonly joinButtonText = computed(() => {
    switch (this.queue.joinState().status) {
      case 'solving':
        return 'Checking your browser…';
      case 'joining':
        return 'Joining…';
      default:
        return 'Join the waiting room';
    }
  });

  protected readonly joinRefusal = computed(() => {
    const state = this.queue.joinState();
    return state.status === 'refused' ? joinRefusalText(state.code, state.detail) : null;
  });

  /** The sold-out sentence for this drop's name, whatever the name is. */
  protected readonly soldOut = computed(() => {
    const name = this.drop.product()?.name;
    return name ? soldOutSentence(name) : 'Every unit has been claimed.';
  });

  protected readonly returnUrl = computed(() => `/drops/${this.queue.productId() ?? ''}`);
}
