/**
 * Counts at which the live count is said aloud, crossing downwards. The count changes with every
 * poll, so speaking each one would talk over everything else on the page; these are the moments a
 * buyer must hear. Sold out is not among them: the drop page says the state ("Drop status: Sold
 * out.") and saying it twice would repeat it.
 */
export const STOCK_THRESHOLDS: readonly number[] = [10, 1];

/** The live count, as far as the announcer needs it. */
export type StockSignal =
  | { readonly status: 'loading' }
  | { readonly status: 'live'; readonly available: number }
  | { readonly status: 'reconnecting' };

/** What the polite live region says, and what it remembers to decide the next words. */
export interface StockAnnouncement {
  /** The live region's text; a change of it is what a screen reader speaks. */
  readonly text: string;
  /** The lowest threshold the count is at or under (`null` above all of them); `undefined` before the first count. */
  readonly band: number | null | undefined;
  /** The connection was lost and has not come back. */
  readonly lost: boolean;
}

export const SILENT: StockAnnouncement = { text: '', band: undefined, lost: false };

/** The lowest threshold `available` is at or under, or `null` above all of them (sold out is 0). */
export function stockBand(available: number): number | null {
  if (available <= 0) {
    return 0;
  }
  const under = STOCK_THRESHOLDS.filter((t) => available <= t);
  return under.length > 0 ? Math.min(...under) : null;
}

const left = (n: number) => (n === 1 ? 'Only 1 left.' : `Only ${n} left.`);

/**
 * The announcement after `reading`, given the one before: the first count is the baseline (the
 * page shows it; nothing is pushed), a count that falls to or under a threshold is said once (with
 * the count itself, which may have jumped past the threshold), a count that rises again re-arms the
 * thresholds above it, a lost connection is said once and its return once, with the count then.
 */
export function announceStock(previous: StockAnnouncement, reading: StockSignal): StockAnnouncement {
  switch (reading.status) {
    case 'loading':
      return previous;
    case 'reconnecting':
      return previous.lost
        ? previous
        : { ...previous, lost: true, text: 'Connection lost. Reconnecting to the store…' };
    case 'live': {
      const band = stockBand(reading.available);
      const count = reading.available === 0 ? 'Sold out.' : `${reading.available} left.`;
      if (previous.lost) {
        return { text: `Reconnected. ${count}`, band, lost: false };
      }
      if (previous.band === undefined || band === 0) {
        return { ...previous, band };
      }
      if (band === null) {
        return previous.band === null ? previous : { text: '', band, lost: false };
      }
      if (previous.band === null || band < previous.band) {
        return { text: left(reading.available), band, lost: false };
      }
      // Risen past a threshold (stock came back): empty the region, so falling again is said even
      // in the same words (a region speaks changes, and removals not at all).
      return band > previous.band ? { text: '', band, lost: false } : previous;
    }
  }
}
