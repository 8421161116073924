import { Injectable } from '@nestjs/common';
import { QueueStats } from '@gtd/shared-contracts';
import { MetricsRegistry } from '@gtd/api-platform';
import { QueueSettingsCache, QueueStatusBoard } from '@gtd/api-queue';
import { Gauge } from 'prom-client';

type QueueGauge = { name: string; help: string; figure: (stats: QueueStats) => number };

/** One series per gauge and drop with an enabled waiting room; the figures are the operator summary's. */
const QUEUE_GAUGES: QueueGauge[] = [
  {
    name: 'gtd_queue_joined',
    help: 'Visitors who joined the waiting room, by product.',
    figure: (s) => s.joined,
  },
  {
    name: 'gtd_queue_waiting',
    help: 'Visitors in the waiting room not yet admitted (the queue length), by product.',
    figure: (s) => s.waiting,
  },
  { name: 'gtd_queue_admitted', help: 'Visitors admitted so far, by product.', figure: (s) => s.admitted },
  {
    name: 'gtd_queue_passes_in_use',
    help: 'Admitted visitors whose pass is still valid and who have not bought, by product.',
    figure: (s) => s.passesInUse,
  },
  {
    name: 'gtd_queue_converted',
    help: 'Admitted visitors who bought, by product.',
    figure: (s) => s.converted,
  },
  {
    name: 'gtd_queue_conversion_ratio',
    help: 'Admitted visitors who bought, as a share of those admitted (0 before the first admission), by product.',
    figure: (s) => s.conversion,
  },
];

/**
 * The waiting room's figures in `/metrics`, read from the store at scrape time. One read of each
 * drop's figures per scrape feeds every gauge: they are the same reads the admission step makes once
 * a tick, so a scrape every few seconds adds little to the store's load.
 */
@Injectable()
export class QueueMetrics {
  constructor(settings: QueueSettingsCache, board: QueueStatusBoard, metrics: MetricsRegistry) {
    let scrape: Promise<Map<number, QueueStats>> | undefined;
    const statsOnce = () =>
      (scrape ??= Promise.all(
        // A drop whose figures cannot be read (its product deleted, the store down) shows no
        // series in this scrape rather than failing the others.
        settings.enabledQueues().map((queue) =>
          board.figures(queue).then(
            ({ stats }) => [queue.productId, stats] as const,
            () => undefined,
          ),
        ),
      )
        .then((entries) => new Map(entries.filter((entry) => entry !== undefined)))
        .finally(() => setImmediate(() => (scrape = undefined))));
    for (const { name, help, figure } of QUEUE_GAUGES) {
      new Gauge({
        name,
        help,
        labelNames: ['product_id'],
        registers: [metrics.registry],
        async collect() {
          const byProduct = await statsOnce();
          this.reset();
          for (const [productId, stats] of byProduct)
            this.set({ product_id: String(productId) }, figure(stats));
        },
      });
    }
  }
}
