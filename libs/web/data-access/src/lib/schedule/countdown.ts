import { defer, EMPTY, expand, map, Observable, of, timer } from 'rxjs';

/**
 * Milliseconds left until `targetMs`, emitted at once, then on every whole `stepMs` before the
 * target, and finally `0` exactly at the target; then it completes.
 *
 * Each wait is computed afresh from the clock (not a fixed `interval`), so a late timer (a busy
 * main thread, a throttled background tab) never accumulates drift, the last emission lands on the
 * target rather than up to a step after it, and no single timer exceeds `stepMs` (browsers fire
 * `setTimeout` delays beyond 2^31 ms at once, which a countdown of weeks would hit).
 */
export function countdown(targetMs: number, stepMs = 1000, now: () => number = Date.now): Observable<number> {
  const remaining = () => Math.max(0, targetMs - now());
  return defer(() => of(remaining())).pipe(
    expand((left) => (left === 0 ? EMPTY : timer(left % stepMs || stepMs).pipe(map(remaining)))),
  );
}
