import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { DropState } from '@gtd/shared-contracts';

/** What each state is called on the page. */
export const DROP_STATE_LABELS: Readonly<Record<DropState, string>> = {
  upcoming: 'Upcoming',
  live: 'Live',
  paused: 'Paused',
  sold_out: 'Sold out',
  ended: 'Ended',
};

/** A drop's state as a badge; the colours carry no meaning the word does not (and pass AA). */
@Component({
  selector: 'gtd-drop-state-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="badge badge--{{ state() }}" [attr.data-state]="state()" data-testid="drop-state">
    @if (state() === 'live') {
      <span class="badge__dot" aria-hidden="true"></span>
    }
    {{ label() }}
  </span>`,
  styles: `
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 0.375rem;
      padding: 0.125rem 0.625rem;
      border-radius: 999px;
      font-size: 0.875rem;
      font-weight: 700;
      white-space: nowrap;
    }
    .badge--live {
      background: #dcfce7;
      color: #14532d;
    }
    .badge--upcoming {
      background: #dbeafe;
      color: #1e3a8a;
    }
    .badge--paused {
      background: #fef3c7;
      color: #78350f;
    }
    .badge--sold_out {
      background: #fee2e2;
      color: #991b1b;
    }
    .badge--ended {
      background: #e7e5e4;
      color: #292524;
    }
    .badge__dot {
      width: 0.5rem;
      height: 0.5rem;
      border-radius: 50%;
      background: #15803d;
    }
  `,
})
export class DropStateBadge {
  readonly state = input.required<DropState>();
  protected readonly label = computed(() => DROP_STATE_LABELS[this.state()]);
}
