import { DropState, DropSummary } from '@gtd/shared-contracts';

/** The connection as the console shows it. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'not-found' | 'refused';

/** The figures are spoken at most this often; a change of the drop's state or of the connection at once. */
export const FIGURES_EVERY_MS = 10_000;

/** What the polite live region says, and what it remembers to decide the next words. */
export interface SellThroughAnnouncement {
  /** The region's text; a screen reader speaks a change of it. */
  readonly text: string;
  readonly status: StreamStatus | undefined;
  readonly dropState: DropState | undefined;
  /** The figures as last spoken (or shown first), and when. */
  readonly figures: string | undefined;
  readonly figuresAtMs: number;
}

export const QUIET: SellThroughAnnouncement = {
  text: '',
  status: undefined,
  dropState: undefined,
  figures: undefined,
  figuresAtMs: -Infinity,
};

export interface SellThroughReading {
  readonly status: StreamStatus;
  readonly summary: DropSummary | undefined;
  readonly nowMs: number;
}

const STATE_WORDS: Readonly<Record<DropState, string>> = {
  upcoming: 'Not started yet',
  live: 'On sale',
  paused: 'Paused',
  sold_out: 'Sold out',
  ended: 'Ended',
};

const STATUS_WORDS: Readonly<Record<Exclude<StreamStatus, 'live' | 'connecting'>, string>> = {
  reconnecting: 'Connection lost. Reconnecting…',
  unauthorized: 'The operator token was refused.',
  'not-found': 'This drop does not exist.',
  refused: 'The live figures were refused.',
};

export function figuresText(summary: DropSummary): string {
  return `${summary.sold} sold, ${summary.available} available, stock ${summary.stock}.`;
}

/**
 * The announcement after `reading`, given the one before. During a rush the figures change every
 * second; speaking each would talk over everything, so they are said at most every 10 s (and only
 * when they changed). What an operator must hear at once is said at once: the drop selling out,
 * pausing or ending, and the connection dropping, coming back or being refused. The first figures
 * are shown, not pushed.
 */
export function announceSellThrough(
  previous: SellThroughAnnouncement,
  reading: SellThroughReading,
): SellThroughAnnouncement {
  const { status, summary, nowMs } = reading;
  const figures = summary ? figuresText(summary) : previous.figures;
  const dropState = summary?.state ?? previous.dropState;
  const next = { ...previous, status, dropState };
  const speak = (text: string): SellThroughAnnouncement => ({ ...next, text, figures, figuresAtMs: nowMs });

  if (status !== previous.status) {
    if (status === 'live') {
      return previous.status === 'reconnecting' && figures ? speak(`Live again. ${figures}`) : next;
    }
    if (status !== 'connecting') return { ...next, text: STATUS_WORDS[status] };
  }
  if (status !== 'live' || !summary || figures === undefined) return next;
  if (previous.figures === undefined) return { ...next, figures, figuresAtMs: nowMs };
  if (previous.dropState !== undefined && dropState !== previous.dropState && dropState) {
    return speak(`${STATE_WORDS[dropState]}. ${figures}`);
  }
  if (figures !== previous.figures && nowMs - previous.figuresAtMs >= FIGURES_EVERY_MS) return speak(figures);
  return next;
}
