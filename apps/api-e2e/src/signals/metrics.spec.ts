import { ApiRoutes, ErrorCode } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, send, tally, useServer, volley } from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

/** The value of one sample line of a Prometheus text exposition, e.g. `x_total{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(HTTP_ADAPTERS)('GET /metrics after a rush on %s', (httpAdapter) => {
  const STOCK = 30;
  const BUYERS = 80;
  const server = useServer(catalogWithStocks(STOCK), { HTTP_ADAPTER: httpAdapter });

  it('shows the purchases by outcome, exactly, the stock left and the latency histogram by route', async () => {
    const { replies } = await volley<BuyBody>(server.baseUrl, BUYERS, () => buyRequest(1, 1), 64);
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': STOCK, '409': BUYERS - STOCK });
    for (const id of [1, 2, 3]) await send(server.baseUrl, { path: ApiRoutes.inventory(id) });

    const reply = await send(server.baseUrl, { path: ApiRoutes.metrics });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    const text = reply.text;
    const buy = (status: number) =>
      sample(text, `gtd_http_request_duration_seconds_count{method="POST",route="/buy",status="${status}"}`);
    expect({
      sold: sample(text, 'gtd_purchases_total{outcome="sold"}'),
      soldOut: sample(text, `gtd_purchases_total{outcome="${ErrorCode.SoldOut}"}`),
      unitsSold: sample(text, 'gtd_units_sold_total{product_id="1"}'),
      available: sample(text, 'gtd_available_units{product_id="1"}'),
      buy201: buy(201),
      buy409: buy(409),
      polls: sample(
        text,
        'gtd_http_request_duration_seconds_count{method="GET",route="/products/:id/inventory",status="200"}',
      ),
      unknownProductPolls: sample(
        text,
        'gtd_http_request_duration_seconds_count{method="GET",route="/products/:id/inventory",status="404"}',
      ),
    }).toEqual({
      sold: STOCK,
      soldOut: BUYERS - STOCK,
      unitsSold: STOCK,
      available: 0,
      buy201: STOCK,
      buy409: BUYERS - STOCK,
      polls: 1,
      unknownProductPolls: 2,
    });
    // A histogram: cumulative buckets ending in +Inf = count; ids never become labels.
    expect(text).toContain(
      `gtd_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/buy",status="201"} ${STOCK}`,
    );
    expect(text).not.toMatch(/route="\/products\/\d/);
    expect(sample(text, 'gtd_dependency_up{dependency="sqlite"}')).toBe(1);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('is documented apart from the public API, under the operations tag', async () => {
    const doc = await send<{ paths: Record<string, { get?: { tags?: string[] } }> }>(server.baseUrl, {
      path: ApiRoutes.openApiJson,
    });
    expect(doc.body.paths[ApiRoutes.metrics]?.get?.tags).toEqual(['operations']);
  });
});
