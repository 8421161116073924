import { MessageEvent } from '@nestjs/common';
import {
  catchError,
  distinctUntilChanged,
  EMPTY,
  exhaustMap,
  from,
  interval,
  map,
  merge,
  Observable,
  ReplaySubject,
  share,
  tap,
  timer,
} from 'rxjs';

export interface SharedPollOptions<T> {
  intervalMs: number;
  /** Two reads that would look the same to a subscriber (not sent again). */
  isSame: (previous: T, next: T) => boolean;
  /** A failed read: `firstOfOutage` is true only for the first failure after a success. */
  onFailure: (error: unknown, firstOfOutage: boolean) => void;
}

/**
 * One reader shared by every subscriber of a push feed: started by the first subscriber, stopped
 * when the last one leaves. A subscriber gets the latest value at once, then each change. A read
 * still running when the next tick comes is not doubled; a failed read ends nobody's stream. Reads
 * of the store (not this process's memory) make the feed show what every instance did.
 */
export function sharedPoll<T>(read: () => Promise<T>, options: SharedPollOptions<T>): Observable<T> {
  let failing = false;
  return timer(0, options.intervalMs).pipe(
    exhaustMap(() =>
      from(read()).pipe(
        tap(() => (failing = false)),
        catchError((error: unknown) => {
          options.onFailure(error, !failing);
          failing = true;
          return EMPTY;
        }),
      ),
    ),
    distinctUntilChanged(options.isSame),
    share({
      connector: () => new ReplaySubject<T>(1),
      resetOnRefCountZero: true,
      resetOnComplete: true,
      resetOnError: true,
    }),
  );
}

/** A comment line this often keeps idle proxies and load balancers from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** The events of one subscriber: each update as a `data:` event, and heartbeat comments. */
export function serverSentEvents<T, D>(
  updates: Observable<T>,
  toData: (update: T) => D,
  heartbeatMs = HEARTBEAT_MS,
): Observable<MessageEvent> {
  return merge(
    updates.pipe(map((update): MessageEvent => ({ data: toData(update) as object }))),
    interval(heartbeatMs).pipe(map((): MessageEvent => ({ comment: 'heartbeat' }))),
  );
}
