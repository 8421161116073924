import { Injectable, Logger } from '@nestjs/common';
import { DropSummary } from '@gtd/shared-contracts';
import { sharedPoll } from '@gtd/api-platform';
import { Observable } from 'rxjs';
import { DropAdministration } from './drop-administration';

/** How often a watched drop's sell-through is read: the console's chart moves once a second. */
export const SUMMARY_FEED_INTERVAL_MS = 1_000;

/**
 * Each watched drop's sell-through, pushed to every operator watching it from this instance: one
 * reader per drop, reading the store's counters, so the figures include every instance's sales
 * (and their rejections, which each instance writes about once a second).
 */
@Injectable()
export class SummaryFeed {
  private readonly logger = new Logger(SummaryFeed.name);
  /** Only drops that exist get here (the route reads one summary first). */
  private readonly feeds = new Map<number, Observable<DropSummary>>();

  constructor(private readonly drops: DropAdministration) {}

  watch(productId: number): Observable<DropSummary> {
    let feed = this.feeds.get(productId);
    if (!feed) {
      feed = sharedPoll(() => this.drops.summary(productId), {
        intervalMs: SUMMARY_FEED_INTERVAL_MS,
        // The summary is a small tree of plain numbers in a fixed key order.
        isSame: (previous, next) => JSON.stringify(previous) === JSON.stringify(next),
        onFailure: (error, firstOfOutage) => {
          if (firstOfOutage)
            this.logger.warn(`Reading drop ${productId}'s summary for its watchers failed: ${String(error)}`);
        },
      });
      this.feeds.set(productId, feed);
    }
    return feed;
  }
}
