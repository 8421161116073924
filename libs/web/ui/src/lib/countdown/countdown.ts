import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { splitDuration } from './duration';

const pad = (n: number) => n.toString().padStart(2, '0');
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** Thresholds (ms before the opening) at which screen readers are told how close it is. */
const MILESTONES: readonly { withinMs: number; text: string }[] = [
  { withinMs: 10_000, text: 'Opens in less than 10 seconds.' },
  { withinMs: 60_000, text: 'Opens in less than a minute.' },
  { withinMs: 10 * 60_000, text: 'Opens in less than 10 minutes.' },
  { withinMs: 60 * 60_000, text: 'Opens in less than an hour.' },
];

/**
 * Days, hours, minutes and seconds to the opening. The page owns the clock (`nowMs`, ticking on
 * whole seconds) so the countdown and the switch to live can never disagree.
 *
 * Accessibility: the ticking digits are hidden from assistive technology; the timer's accessible
 * text changes only once a minute, and a polite live region speaks only at a few milestones
 * (1 hour, 10 minutes, 1 minute, 10 seconds), so a screen reader is not interrupted every second.
 */
@Component({
  selector: 'gtd-countdown',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="countdown" data-testid="countdown" [attr.data-remaining-ms]="remainingMs()">
      <div role="timer" class="countdown__parts" [attr.aria-label]="'Opens in ' + spoken()">
        @for (part of parts(); track part.unit) {
          <span class="countdown__part" aria-hidden="true">
            <span class="countdown__value" [attr.data-testid]="'countdown-' + part.unit">{{
              part.value
            }}</span>
            <span class="countdown__unit">{{ part.unit }}</span>
          </span>
        }
      </div>
      <p class="sr-only" role="status" data-testid="countdown-milestone">{{ milestone() }}</p>
    </div>
  `,
  styles: `
    .countdown__parts {
      display: grid;
      grid-template-columns: repeat(4, minmax(0, 1fr));
      gap: 0.5rem;
      max-width: 24rem;
    }
    .countdown__part {
      display: grid;
      justify-items: center;
      min-width: 0;
      padding: 0.5rem 0.125rem;
      border-radius: var(--radius);
      background: var(--ink);
      color: #fff;
    }
    .countdown__value {
      font-size: clamp(1.5rem, 6vw, 2rem);
      font-weight: 800;
      font-variant-numeric: tabular-nums;
      line-height: 1.1;
    }
    .countdown__unit {
      /* "SECONDS" must fit a quarter of a 360 px phone's width. */
      font-size: clamp(0.625rem, 3vw, 0.75rem);
      font-weight: 700;
      letter-spacing: 0.04em;
      text-transform: uppercase;
      color: #e7e5e4;
    }
  `,
})
export class Countdown {
  /** The opening, epoch milliseconds (the server's `startsAt`). */
  readonly startsAtMs = input.required<number>();
  /** The page's clock. */
  readonly nowMs = input.required<number>();

  protected readonly remainingMs = computed(() => Math.max(0, this.startsAtMs() - this.nowMs()));

  protected readonly parts = computed(() => {
    const { days, hours, minutes, seconds } = splitDuration(this.remainingMs());
    return [
      { unit: 'days', value: pad(days) },
      { unit: 'hours', value: pad(hours) },
      { unit: 'minutes', value: pad(minutes) },
      { unit: 'seconds', value: pad(seconds) },
    ];
  });

  /** To the minute: what a screen reader reads on the timer. */
  protected readonly spoken = computed(() => {
    const ms = this.remainingMs();
    if (ms < 60_000) {
      return ms === 0 ? 'moments' : 'less than a minute';
    }
    const { days, hours, minutes } = splitDuration(Math.ceil(ms / 60_000) * 60_000);
    const words = [
      days && plural(days, 'day'),
      hours && plural(hours, 'hour'),
      minutes && plural(minutes, 'minute'),
    ];
    return words.filter(Boolean).join(', ');
  });

  protected readonly milestone = computed(() => {
    const ms = this.remainingMs();
    if (ms === 0) {
      return '';
    }
    return MILESTONES.find((m) => ms <= m.withinMs)?.text ?? '';
  });
}
