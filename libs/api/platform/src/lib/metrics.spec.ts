import { Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS, MetricsRegistry, RequestLatencyHistogram } from './metrics';

describe('RequestLatencyHistogram', () => {
  const observations: [method: string, route: string, status: number, seconds: number][] = [
    ['GET', '/products/:id/inventory', 200, 0.0004],
    ['GET', '/products/:id/inventory', 200, 0.001],
    ['GET', '/products/:id/inventory', 304, 0.0031],
    ['POST', '/buy', 201, 0.02],
    ['POST', '/buy', 409, 7],
    ['GET', '(unmatched)', 404, 0.5],
  ];

  it('exposes exactly what prom-client’s own Histogram exposes for the same observations', async () => {
    const ours = new Registry();
    const latency = new RequestLatencyHistogram();
    ours.registerMetric(latency as never);
    const theirs = new Registry();
    const reference = new Histogram({
      name: latency.name,
      help: latency.help,
      labelNames: ['method', 'route', 'status'],
      buckets: [...LATENCY_BUCKETS],
      registers: [theirs],
    });
    for (const [method, route, status, seconds] of observations) {
      latency.observe(method, route, status, seconds);
      reference.observe({ method, route, status: String(status) }, seconds);
    }
    const lines = (text: string) => text.trim().split('\n').sort();
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
    expect(await ours.metrics()).toContain(
      'gtd_http_request_duration_seconds_count{method="GET",route="/products/:id/inventory",status="200"} 2',
    );
  });

  it('keeps one series per method, route template and status, however many ids were asked for', async () => {
    const latency = new RequestLatencyHistogram();
    for (let id = 1; id <= 100; id++) latency.observe('GET', '/products/:id', 200, 0.001);
    const { values } = await latency.get();
    expect(values.filter((v) => v.metricName.endsWith('_count'))).toEqual([
      expect.objectContaining({
        value: 100,
        labels: { method: 'GET', route: '/products/:id', status: '200' },
      }),
    ]);
  });
});

describe('MetricsRegistry', () => {
  it('has the default process metrics and no pid label outside a cluster worker', async () => {
    const text = await new MetricsRegistry().text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).not.toContain('pid="');
  });
});
