import { ChangeDetectionStrategy, Component, computed, input, linkedSignal } from '@angular/core';
import { announceStock, SILENT, StockAnnouncement, StockSignal } from './stock-announcer';

/**
 * What the meter shows: no answer yet, a live count, or a lost connection (with no number: a stale
 * count during a drop is worse than none). The data access's `InventoryState` is one.
 */
export type StockReading = StockSignal;

/**
 * "N left" with a bar of available / stock; says "Reconnecting…" rather than show a stale number.
 * The count itself is not a live region (it changes with every poll); one polite region says only
 * what {@link announceStock} picks: a threshold reached, the connection lost, and back.
 */
@Component({
  selector: 'gtd-stock-meter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="meter" [attr.data-state]="state().status" data-testid="stock-meter">
      <p class="meter__label">
        @switch (state().status) {
          @case ('live') {
            @if (available() === 0) {
              <strong class="meter__count meter__count--out" data-testid="stock-count">Sold out</strong>
            } @else {
              <strong class="meter__count" data-testid="stock-count">{{ available() }} left</strong>
              <span class="meter__of">of {{ stock() }}</span>
              @if (low()) {
                <span class="tag tag--hot" data-testid="stock-low">Almost gone</span>
              }
            }
          }
          @case ('reconnecting') {
            <strong class="meter__count meter__count--muted" data-testid="stock-reconnecting">
              <span class="spinner" aria-hidden="true"></span>Reconnecting…
            </strong>
          }
          @default {
            <strong class="meter__count meter__count--muted" data-testid="stock-loading"
              >Checking stock…</strong
            >
          }
        }
      </p>
      <div
        class="meter__track"
        role="meter"
        aria-label="Stock left"
        aria-valuemin="0"
        [attr.aria-valuemax]="stock()"
        [attr.aria-valuenow]="available() ?? lastKnown() ?? 0"
        [attr.aria-valuetext]="valueText()"
        data-testid="stock-bar"
      >
        <div class="meter__fill" [style.width.%]="percent()"></div>
      </div>
      <p class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="stock-announcement">
        {{ announcement().text }}
      </p>
    </div>
  `,
  styles: `
    .meter__label {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.25rem 0.5rem;
      margin: 0 0 0.5rem;
      min-height: 2rem;
    }
    .meter__count {
      font-size: 1.5rem;
      font-weight: 800;
      letter-spacing: -0.01em;
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
    }
    .meter__count--out {
      color: var(--danger);
    }
    .meter__count--muted {
      font-size: 1.125rem;
      color: var(--muted);
    }
    .meter__of {
      color: var(--muted);
    }
    .meter__track {
      height: 0.75rem;
      border-radius: 999px;
      background: var(--track);
      overflow: hidden;
    }
    .meter__fill {
      height: 100%;
      border-radius: inherit;
      background: linear-gradient(90deg, var(--gold-strong), var(--gold));
      transition: width 400ms ease;
    }
    [data-state='reconnecting'] .meter__fill,
    [data-state='loading'] .meter__fill {
      opacity: 0.25;
    }
    .spinner {
      width: 1rem;
      height: 1rem;
      border: 2px solid currentColor;
      border-right-color: transparent;
      border-radius: 50%;
      animation: spin 0.9s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .spinner {
        animation: none;
      }
      .meter__fill {
        transition: none;
      }
    }
  `,
})
export class StockMeter {
  readonly state = input.required<StockReading>();
  readonly stock = input.required<number>();
  /** Shown while the live count is unknown (loading, reconnecting) so the bar does not jump. */
  readonly lastKnown = input<number | null>(null);

  /** What the polite region says: changes only at thresholds and with the connection. */
  protected readonly announcement = linkedSignal<StockReading, StockAnnouncement>({
    source: this.state,
    computation: (reading, previous) => announceStock(previous?.value ?? SILENT, reading),
  });

  protected readonly available = computed(() => {
    const state = this.state();
    return state.status === 'live' ? state.available : null;
  });

  protected readonly percent = computed(() => {
    const value = this.available() ?? this.lastKnown() ?? 0;
    const stock = this.stock();
    return stock > 0 ? Math.max(0, Math.min(100, (value / stock) * 100)) : 0;
  });

  protected readonly low = computed(() => {
    const available = this.available();
    return available !== null && available > 0 && available <= this.stock() * 0.1;
  });

  protected readonly valueText = computed(() => {
    const state = this.state();
    switch (state.status) {
      case 'live':
        return state.available === 0 ? 'Sold out' : `${state.available} of ${this.stock()} left`;
      case 'reconnecting':
        return 'Unknown, reconnecting';
      default:
        return 'Checking stock';
    }
  });
}
