import { Injectable } from '@nestjs/common';
import cluster from 'node:cluster';
import { collectDefaultMetrics, Metric, Registry } from 'prom-client';

/** Prometheus' text exposition format, the `Content-Type` of `GET /metrics`. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The app's Prometheus registry (one per app, not prom-client's global one, so test apps in one
 * process do not collide), with the default process metrics. With `WORKERS > 1` every worker
 * answers `GET /metrics` for itself and the connection decides which one a scrape reaches, so each
 * worker's series carry a `pid` label: summed over `pid` they give the host's figures.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    if (cluster.isWorker) this.registry.setDefaultLabels({ pid: String(process.pid) });
    collectDefaultMetrics({ register: this.registry });
  }

  /** For metrics prom-client does not build itself (see RequestLatencyHistogram). */
  register(metric: { name: string; get(): Promise<unknown> }): void {
    // The registry only reads `name` and calls `get()`; prom-client's type names its own classes.
    this.registry.registerMetric(metric as unknown as Metric);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Upper bounds in seconds: a poll answers in ~1 ms, a purchase in a few, a slow store in hundreds. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

interface LatencySeries {
  labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

interface ExposedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * `gtd_http_request_duration_seconds{method, route, status}`, rendered like prom-client's
 * Histogram. It is fed on every request, where prom-client's `observe` costs ~1.3 µs (it
 * validates and hashes the labels each call): here one Map lookup on a string key and an
 * increment; the exposition is built at scrape time.
 */
export class RequestLatencyHistogram {
  readonly name = 'gtd_http_request_duration_seconds';
  readonly help = 'HTTP request latency by method, route template and status, in seconds.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, LatencySeries>();

  /** `route` is the route template (`/products/:id`), never the raw path, so ids add no series. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        counts: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: ExposedValue[];
  }> {
    const values: ExposedValue[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((bound, i) => {
        cumulative += counts[i];
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { le: bound, ...labels },
          value: cumulative,
        });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
