import { Injectable, Logger } from '@nestjs/common';
import { CatalogueQueries, LiveInventory } from '@gtd/api-inventory';
import {
  catchError,
  distinctUntilChanged,
  EMPTY,
  exhaustMap,
  from,
  Observable,
  ReplaySubject,
  share,
  tap,
  timer,
} from 'rxjs';

/** How often a watched product is read: at most 4 updates a second reach a subscriber. */
export const FEED_INTERVAL_MS = 250;

/**
 * The live count of each watched product, shared by all of this process's SSE subscribers: one
 * poller per product (started by the first subscriber, stopped when the last one leaves), reading
 * the store, so it also sees what other API processes sold. A subscriber gets the latest value at
 * once, then each change; reads closer together than FEED_INTERVAL_MS are never made, so a rush
 * of purchases reaches subscribers coalesced into at most four updates a second.
 */
@Injectable()
export class InventoryFeed {
  private readonly logger = new Logger(InventoryFeed.name);
  /** Only ids that exist get here (the controller checks first), so this stays as small as the catalogue. */
  private readonly feeds = new Map<number, Observable<LiveInventory>>();

  constructor(private readonly catalogue: CatalogueQueries) {}

  watch(productId: number): Observable<LiveInventory> {
    let feed = this.feeds.get(productId);
    if (!feed) {
      let failing = false;
      feed = timer(0, FEED_INTERVAL_MS).pipe(
        // A read still running when the next tick comes is not doubled up.
        exhaustMap(() =>
          from(this.catalogue.getLiveInventory(productId)).pipe(
            tap(() => (failing = false)),
            catchError((error: unknown) => {
              // A store that does not answer for a moment must not end anyone's stream; said once
              // per outage, not four times a second.
              if (!failing)
                this.logger.warn(`Reading product ${productId} for its subscribers failed: ${String(error)}`);
              failing = true;
              return EMPTY;
            }),
          ),
        ),
        distinctUntilChanged(
          (previous, next) => previous.available === next.available && previous.state === next.state,
        ),
        share({
          connector: () => new ReplaySubject<LiveInventory>(1),
          resetOnRefCountZero: true,
          resetOnComplete: true,
          resetOnError: true,
        }),
      );
      this.feeds.set(productId, feed);
    }
    return feed;
  }
}
