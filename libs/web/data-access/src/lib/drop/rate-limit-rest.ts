import { computed, DestroyRef, signal } from '@angular/core';
import { Subscription, timer } from 'rxjs';

/** Without a `Retry-After`, how long Buy now rests after a 429. */
const DEFAULT_RATE_LIMIT_PAUSE_S = 5;

/** After a 429, Buy now rests until the server's `Retry-After` has passed. */
export class RateLimitRest {
  private readonly until = signal<number | null>(null);
  private timer: Subscription | null = null;

  readonly resting = computed(() => this.until() !== null);

  constructor(destroyRef: DestroyRef) {
    destroyRef.onDestroy(() => this.timer?.unsubscribe());
  }

  rest(retryAfterSeconds: number | null | undefined): void {
    const ms = (retryAfterSeconds ?? DEFAULT_RATE_LIMIT_PAUSE_S) * 1000;
    this.until.set(Date.now() + ms);
    this.timer?.unsubscribe();
    this.timer = timer(ms).subscribe(() => this.until.set(null));
  }
}
