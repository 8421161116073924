import {
  catchError,
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  fromEvent,
  map,
  Observable,
  of,
  race,
  repeat,
  retry,
  startWith,
  switchMap,
  throwError,
  timer,
} from 'rxjs';
import { backoffDelay, nextPollDelay } from '../inventory/inventory-state';

/** The fastest cadence, the longest wait the server may ask for, the longest back-off. */
export interface PollCadence {
  readonly intervalMs: number;
  readonly maxIntervalMs: number;
  readonly maxBackoffMs: number;
}

/** One poll's result: the answer (and when it was asked), or the failure and when the next try is due. */
export type PollEvent<T> =
  | { readonly kind: 'answer'; readonly value: T; readonly askedAtMs: number }
  | { readonly kind: 'failed'; readonly failures: number; readonly retryInMs: number };

/** Carries the back-off delay from the failed poll to `retry`. */
class PollFailed extends Error {
  constructor(readonly retryInMs: number) {
    super(`poll failed; retrying in ${retryInMs} ms`);
  }
}

/** `true` while the document is visible; emits the current value first. */
export function documentVisible(document: Document): Observable<boolean> {
  return defer(() =>
    fromEvent(document, 'visibilitychange').pipe(
      startWith(null),
      map(() => document.visibilityState !== 'hidden'),
      distinctUntilChanged(),
    ),
  );
}

/**
 * Poll, wait, poll again, as the live count and the waiting room's status both need it: the first
 * poll at once, the next after the answer's `pollAfterMs` (never under the cadence's interval,
 * never over its cap), none while the page is hidden and one at once when it shows again, a
 * `refresh$` cutting any wait short, never two requests at a time (the wait starts at the answer),
 * and exponential back-off after failures, reset by the next answer.
 */
export function pollCycle<T>(options: {
  request: () => Observable<T>;
  pollAfterMs: (value: T) => unknown;
  cadence: PollCadence;
  visible$: Observable<boolean>;
  refresh$: Observable<unknown>;
}): Observable<PollEvent<T>> {
  const { request, pollAfterMs, cadence, visible$, refresh$ } = options;
  const { intervalMs, maxIntervalMs, maxBackoffMs } = cadence;
  return defer(() => {
    // Consecutive failures of this subscription; reset by any answer.
    let failures = 0;
    // The wait before the next poll, as the last answer asked for.
    let nextDelayMs = intervalMs;

    const poll$: Observable<PollEvent<T>> = defer(() => {
      const askedAtMs = Date.now();
      return request().pipe(
        map((value): PollEvent<T> => {
          failures = 0;
          nextDelayMs = nextPollDelay(pollAfterMs(value), intervalMs, maxIntervalMs);
          return { kind: 'answer', value, askedAtMs };
        }),
      );
    }).pipe(
      catchError(() => {
        failures += 1;
        const retryInMs = backoffDelay(failures, intervalMs, maxBackoffMs);
        return concat(
          of<PollEvent<T>>({ kind: 'failed', failures, retryInMs }),
          throwError(() => new PollFailed(retryInMs)),
        );
      }),
    );

    const cycle$ = poll$.pipe(repeat({ delay: () => race(timer(nextDelayMs), refresh$) }));

    return visible$.pipe(
      switchMap((visible) => (visible ? cycle$ : EMPTY)),
      // Resubscribing restarts the cycle, so the first attempt after the back-off is immediate.
      retry({
        delay: (error: unknown) =>
          race(timer(error instanceof PollFailed ? error.retryInMs : intervalMs), refresh$),
      }),
    );
  });
}
