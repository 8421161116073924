import { Injectable, Logger } from '@nestjs/common';
import { CatalogueQueries, LiveInventory } from '@gtd/api-inventory';
import { sharedPoll } from '@gtd/api-platform';
import { Observable } from 'rxjs';

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
      feed = sharedPoll(() => this.catalogue.getLiveInventory(productId), {
        intervalMs: FEED_INTERVAL_MS,
        isSame: (previous, next) => previous.available === next.available && previous.state === next.state,
        // A store that does not answer for a moment is said once per outage, not four times a second.
        onFailure: (error, firstOfOutage) => {
          if (firstOfOutage)
            this.logger.warn(`Reading product ${productId} for its subscribers failed: ${String(error)}`);
        },
      });
      this.feeds.set(productId, feed);
    }
    return feed;
  }
}
