import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal, LOCALE_ID } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { CataloguePoller, CatalogueState } from '@gtd/web-data-access';
import { DropStateBadge, formatTimeOfDay, InstantPipe, MoneyPipe } from '@gtd/web-ui';

/** The product featured on the home page: the Golden Ticket. */
export const FEATURED_PRODUCT_ID = 1;

/**
 * `/`: every drop with its state, the Golden Ticket featured. The catalogue is polled
 * ({@link CataloguePoller}), so its counts move; while the API does not answer the last counts
 * stay, said to be from the time they were asked, until it answers again.
 */
@Component({
  selector: 'gtd-catalogue',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DropStateBadge, InstantPipe, MoneyPipe, RouterLink],
  templateUrl: './catalogue.html',
  styleUrl: './catalogue.css',
})
export class Catalogue {
  private readonly poller = inject(CataloguePoller);
  private readonly locale = inject(LOCALE_ID);

  protected readonly state = toSignal(this.poller.watch(), {
    initialValue: { status: 'loading' } as CatalogueState,
  });

  private readonly all = computed(() => {
    const state = this.state();
    return state.status === 'ready' ? state.products : [];
  });

  protected readonly featured = computed(() => this.all().find((p) => p.id === FEATURED_PRODUCT_ID) ?? null);

  protected readonly others = computed(() => this.all().filter((p) => p.id !== FEATURED_PRODUCT_ID));

  /** When the counts shown were asked for: the clock for "opens at" to the second when near. */
  protected readonly asOfMs = computed(() => {
    const state = this.state();
    return state.status === 'ready' ? state.asOfMs : null;
  });

  /** "Counts from 14:02:10, reconnecting…" while the shown counts are stale. */
  protected readonly staleNote = computed(() => {
    const state = this.state();
    return state.status === 'ready' && state.stale
      ? `Counts from ${formatTimeOfDay(state.asOfMs, this.locale)}, reconnecting…`
      : null;
  });

  /**
   * What the status region holds: the stale note while the counts are stale, then (for screen
   * readers) that they are current again, once the API has answered after an outage. One signal
   * the template always reads, so no transition goes unseen.
   */
  protected readonly freshness = linkedSignal<
    { stale: string | null; down: boolean },
    { stale: string | null; recovered: boolean }
  >({
    source: () => ({ stale: this.staleNote(), down: this.state().status === 'error' }),
    computation: ({ stale, down }, previous) => {
      const wasDown = previous !== undefined && (previous.source.stale !== null || previous.source.down);
      return {
        stale,
        recovered: stale === null && !down && (wasDown || (previous?.value.recovered ?? false)),
      };
    },
  });

  protected reload(): void {
    this.poller.refresh();
  }
}
