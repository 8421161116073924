import type { RootLogger } from './logging';

/** How often the digest writes its line while refusals keep coming. */
export const REFUSAL_DIGEST_INTERVAL_MS = 10_000;

/**
 * Answers a crowd causes by the thousand — 429 rate limits, 503s shed by a saturated route — are
 * counted and written as one line per interval instead of one line each: a flood must not turn
 * into a second flood of log writes (each line is ≈ 10 µs of the event loop plus the disk behind
 * it). The metrics' latency histogram still counts every one of them by route and status.
 */
export class RefusalDigest {
  private counts = new Map<string, number>();
  private since = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: RootLogger,
    private readonly intervalMs = REFUSAL_DIGEST_INTERVAL_MS,
  ) {}

  count(method: string, route: string, status: number, code: string | undefined): void {
    const key = `${method} ${route} ${status} ${code ?? ''}`.trimEnd();
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (!this.timer) {
      this.since = Date.now();
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      // A pending digest never keeps the process alive; what it holds is written on close().
      this.timer.unref();
    }
  }

  /** Writes what was counted since the last line, if anything. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.counts.size === 0) return;
    const refused = Object.fromEntries(this.counts);
    const total = [...this.counts.values()].reduce((sum, n) => sum + n, 0);
    const seconds = Math.round((Date.now() - this.since) / 100) / 10;
    this.counts = new Map();
    this.logger.warn({ refused, total, seconds }, `refused ${total} requests under load in ${seconds} s`);
  }
}
