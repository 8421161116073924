import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Gauge } from 'prom-client';
import { EventLoopUtilization, IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { CLOCK, Clock, LiveInventory } from '@gtd/api-inventory';
import { ApiEnvironment, MetricsRegistry } from '@gtd/api-platform';
import { Inventory } from '@gtd/shared-contracts';
import { loadFactorOf, nextLoadFactor, pollAfterMs } from './poll-interval';

/** How often the load is sampled; a request only reads the latest result. */
export const LOAD_SAMPLE_MS = 1000;

/**
 * Decides the `pollAfterMs` every inventory answer carries: POLL_INTERVAL_MS while the process has
 * room, stretched (up to 10×) as its event loop saturates, longer for drops with nothing to sell,
 * never past an upcoming drop's opening. The load is measured once a second on a timer, so a poll
 * pays a field read and a multiplication for it.
 */
@Injectable()
export class PollPolicy implements OnModuleInit, OnModuleDestroy {
  readonly baseMs: number;
  private factor = 1;
  private timer: NodeJS.Timeout | undefined;
  private delays: IntervalHistogram | undefined;
  private lastUtilization: EventLoopUtilization | undefined;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() config?: ConfigService,
    @Optional() metrics?: MetricsRegistry,
  ) {
    this.baseMs = config?.get<number>('POLL_INTERVAL_MS') ?? new ApiEnvironment().POLL_INTERVAL_MS;
    if (metrics) {
      const currentFactor = () => this.factor;
      new Gauge({
        name: 'gtd_poll_load_factor',
        help: 'How much the server currently stretches the suggested poll interval for load (1 = not at all).',
        registers: [metrics.registry],
        collect() {
          this.set(currentFactor());
        },
      });
    }
  }

  get loadFactor(): number {
    return this.factor;
  }

  onModuleInit(): void {
    this.delays = monitorEventLoopDelay({ resolution: 10 });
    this.delays.enable();
    this.lastUtilization = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.sample(), LOAD_SAMPLE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.delays?.disable();
  }

  /** The contract's Inventory: the live count plus when to ask again. */
  inventoryAnswer(live: LiveInventory): Inventory {
    return {
      productId: live.productId,
      available: live.available,
      state: live.state,
      pollAfterMs: this.pollAfterMsOf(live),
    };
  }

  /** When to ask again about `live`, as its inventory answer says. */
  pollAfterMsOf(live: LiveInventory): number {
    const msUntilStart =
      live.state === 'upcoming' && live.startsAt !== null
        ? Date.parse(live.startsAt) - this.clock.now()
        : null;
    return pollAfterMs(this.baseMs, this.factor, live.state, msUntilStart);
  }

  private sample(): void {
    if (!this.delays || !this.lastUtilization) return;
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, this.lastUtilization);
    this.lastUtilization = now;
    const delayP99Ms = this.delays.percentile(99) / 1e6;
    this.delays.reset();
    this.factor = nextLoadFactor(this.factor, loadFactorOf({ utilization, delayP99Ms }));
  }
}
