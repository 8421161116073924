import { DropSummary } from '@gtd/shared-contracts';
import { compareOutcomes, outcomeCount, outcomesOf, SOLD } from './outcomes';

/** Five minutes at one point a second. */
export const WINDOW_SECONDS = 300;

/** One value a second; `null` where it is unknown (uPlot draws a gap there, not a line). */
export type Column = (number | null)[];

/** uPlot's aligned data: the x values (epoch seconds), then one column per series. */
export type AlignedColumns = [number[], ...Column[]];

export interface OutcomeCount {
  readonly outcome: string;
  readonly count: number;
}

/**
 * A drop's sell-through over the last few minutes, one point a second, built from the cumulative
 * summaries the stream pushes: the levels (sold, available, stock) as they stood each second, and
 * the attempts each second by outcome — the difference of each counter from the summary before.
 *
 * The stream sends a summary only when something changed, so a second without one while connected
 * carries the levels forward with no attempts. A connection lost (`interrupt`) is a hole: the
 * seconds until the next summary are unknown (null), and that summary is a new baseline, not a
 * difference — the attempts made while the console was away would otherwise all land in one
 * second, a spike that never happened. A restock moves `stock` and `available` only, never a
 * counter of attempts; a counter that goes down (a cancelled order) counts no attempt.
 */
export class SellThroughSeries {
  private readonly seconds: number[] = [];
  private readonly sold: Column = [];
  private readonly available: Column = [];
  private readonly stock: Column = [];
  private readonly attempts = new Map<string, Column>([[SOLD, []]]);
  /** What the next summary is compared with: the last one of this connection, none after a hole. */
  private baseline: DropSummary | undefined;
  private last: DropSummary | undefined;

  constructor(private readonly windowSeconds = WINDOW_SECONDS) {}

  /** The latest summary, whether or not the connection still holds. */
  get latest(): DropSummary | undefined {
    return this.last;
  }

  /** A summary received at `atMs`; several in one second add up in that second. */
  add(summary: DropSummary, atMs: number): void {
    const lastSecond = this.seconds.at(-1);
    const second = Math.max(Math.floor(atMs / 1000), lastSecond ?? -Infinity);
    this.fillThrough(second - 1);
    if (this.seconds.at(-1) !== second) this.append(second, this.baseline);
    for (const outcome of outcomesOf(summary)) {
      if (!this.attempts.has(outcome))
        this.attempts.set(
          outcome,
          this.column(SOLD).map((v) => (v === null ? null : 0)),
        );
    }
    const i = this.seconds.length - 1;
    const baseline = this.baseline;
    if (baseline) {
      for (const [outcome, column] of this.attempts) {
        const delta = outcomeCount(summary, outcome) - outcomeCount(baseline, outcome);
        column[i] = (column[i] ?? 0) + Math.max(0, delta);
      }
    }
    this.sold[i] = summary.sold;
    this.available[i] = summary.available;
    this.stock[i] = summary.stock;
    this.baseline = summary;
    this.last = summary;
  }

  /** The clock moved to `nowMs`: the seconds up to it get their points (carried, or unknown in a hole). */
  tick(nowMs: number): void {
    this.fillThrough(Math.floor(nowMs / 1000));
  }

  /** The connection was lost at `atMs`: known until then, unknown from the next second on. */
  interrupt(atMs: number): void {
    this.fillThrough(Math.floor(atMs / 1000));
    this.baseline = undefined;
  }

  /** Sold, available and stock by second. */
  levels(): AlignedColumns {
    return [[...this.seconds], [...this.sold], [...this.available], [...this.stock]];
  }

  /** Every outcome seen so far, in display order. */
  outcomes(): string[] {
    return [...this.attempts.keys()].sort(compareOutcomes);
  }

  /** Attempts per second, one column per outcome in the order of `outcomes()`. */
  attemptsPerSecond(): AlignedColumns {
    return [[...this.seconds], ...this.outcomes().map((outcome) => [...this.column(outcome)])];
  }

  /** Attempts by outcome over the last `seconds` seconds that have points (unknown seconds count none). */
  recentAttempts(seconds = 60): OutcomeCount[] {
    return this.outcomes().map((outcome) => ({
      outcome,
      count: this.column(outcome)
        .slice(-seconds)
        .reduce<number>((sum, v) => sum + (v ?? 0), 0),
    }));
  }

  private column(outcome: string): Column {
    const column = this.attempts.get(outcome);
    if (!column) throw new Error(`no column for ${outcome}`);
    return column;
  }

  /** Points for every second after the last one through `second`, at most a window's worth. */
  private fillThrough(second: number): void {
    const lastSecond = this.seconds.at(-1);
    if (lastSecond === undefined || second <= lastSecond) return;
    for (let s = Math.max(lastSecond + 1, second - this.windowSeconds + 1); s <= second; s++) {
      this.append(s, this.baseline);
    }
  }

  /** A new second: the levels of `carried` and no attempts, or unknown when nothing is carried. */
  private append(second: number, carried: DropSummary | undefined): void {
    this.seconds.push(second);
    this.sold.push(carried ? carried.sold : null);
    this.available.push(carried ? carried.available : null);
    this.stock.push(carried ? carried.stock : null);
    for (const column of this.attempts.values()) column.push(carried ? 0 : null);
    // Seconds only grow, so what is older than the window is a prefix: usually the oldest point.
    const drop = this.seconds.findIndex((s) => s > second - this.windowSeconds);
    if (drop > 0) {
      this.seconds.splice(0, drop);
      for (const column of [this.sold, this.available, this.stock, ...this.attempts.values()])
        column.splice(0, drop);
    }
  }
}
