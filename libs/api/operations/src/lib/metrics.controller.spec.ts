import { INestApplication } from '@nestjs/common';
import { ErrorCode, QUEUE_TICKET_HEADER } from '@gtd/shared-contracts';
import { PurchaseService, QueueStore, StoreHealth } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { ObservabilityModule } from '@gtd/api-platform';
import { AdmissionLeader, QUEUE_DEFAULTS, QueuePassGate, QueueSettingsCache } from '@gtd/api-queue';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import request from 'supertest';
import { OperationsModule } from './operations.module';

describe('GET /metrics', () => {
  let app: INestApplication;
  const scrape = async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;/);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    return res.text;
  };
  /** The value of one sample line, e.g. `gtd_purchases_total{outcome="sold"}`; undefined when absent. */
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  const attempt = (productId: number, quantity: number) =>
    app
      .get(PurchaseService)
      .purchase({ productId, quantity, buyerId: null, idempotencyKey: null })
      .catch(() => undefined);

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [ObservabilityModule.forRoot({ LOG_LEVEL: 'silent' }), ...waitingRoomModules(), OperationsModule],
      [
        { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 3 },
        { id: 2, name: 'Sneakers', description: '', price: 100, currency: 'EUR', stock: 10 },
      ],
    );
  });

  afterEach(() => app.close());

  it('shows every outcome it expects at 0 before the first purchase', async () => {
    const text = await scrape();
    for (const outcome of ['sold', 'replayed', ErrorCode.SoldOut, ErrorCode.InsufficientStock]) {
      expect(sample(text, `gtd_purchases_total{outcome="${outcome}"}`)).toBe(0);
    }
  });

  it('counts purchases by outcome and units sold by product, and reads stock at scrape time', async () => {
    await attempt(1, 2);
    await attempt(1, 2); // INSUFFICIENT_STOCK: 1 left
    await attempt(1, 1);
    await attempt(1, 1); // SOLD_OUT
    await attempt(1, 1); // SOLD_OUT
    await attempt(99, 1); // PRODUCT_NOT_FOUND
    await attempt(2, 4);
    const text = await scrape();
    expect({
      sold: sample(text, 'gtd_purchases_total{outcome="sold"}'),
      soldOut: sample(text, `gtd_purchases_total{outcome="${ErrorCode.SoldOut}"}`),
      insufficient: sample(text, `gtd_purchases_total{outcome="${ErrorCode.InsufficientStock}"}`),
      notFound: sample(text, `gtd_purchases_total{outcome="${ErrorCode.ProductNotFound}"}`),
      unitsSold1: sample(text, 'gtd_units_sold_total{product_id="1"}'),
      unitsSold2: sample(text, 'gtd_units_sold_total{product_id="2"}'),
      available1: sample(text, 'gtd_available_units{product_id="1"}'),
      available2: sample(text, 'gtd_available_units{product_id="2"}'),
    }).toEqual({
      sold: 3,
      soldOut: 2,
      insufficient: 1,
      notFound: 1,
      unitsSold1: 3,
      unitsSold2: 4,
      available1: 0,
      available2: 6,
    });
    expect(text).not.toContain('product_id="99"');
  });

  it('keeps counting across scrapes: each scrape shows the running total', async () => {
    await attempt(2, 1);
    expect(sample(await scrape(), 'gtd_purchases_total{outcome="sold"}')).toBe(1);
    expect(sample(await scrape(), 'gtd_purchases_total{outcome="sold"}')).toBe(1);
    await attempt(2, 2);
    const text = await scrape();
    expect(sample(text, 'gtd_purchases_total{outcome="sold"}')).toBe(2);
    expect(sample(text, 'gtd_units_sold_total{product_id="2"}')).toBe(3);
  });

  it('reports each dependency, and a persister backlog only where the store has one', async () => {
    let text = await scrape();
    expect(sample(text, 'gtd_dependency_up{dependency="memory"}')).toBe(1);
    expect(text).not.toMatch(/^gtd_persister_backlog\{/m);

    jest.spyOn(app.get<StoreHealth>(StoreHealth), 'checkHealth').mockResolvedValue([
      { name: 'redis', up: true },
      { name: 'postgres', up: false, details: { error: 'connection refused' } },
      { name: 'persister', up: true, details: { backlog: 7 } },
    ]);
    text = await scrape();
    expect(sample(text, 'gtd_dependency_up{dependency="redis"}')).toBe(1);
    expect(sample(text, 'gtd_dependency_up{dependency="postgres"}')).toBe(0);
    expect(sample(text, 'gtd_persister_backlog{store="memory"}')).toBe(7);
  });

  it("shows each waiting room's length, admissions, passes in use and conversion, only for drops with one", async () => {
    const http = () => request(app.getHttpServer());
    const settings = {
      productId: 2,
      enabled: true,
      ...QUEUE_DEFAULTS,
      order: 'fifo' as const,
      stockMultiple: 0.2,
    };
    app.get(QueueSettingsCache).remember(await app.get<QueueStore>(QueueStore).saveSettings(settings));
    const tickets: string[] = [];
    for (let i = 0; i < 5; i++)
      tickets.push((await http().post('/products/2/queue').send({}).expect(201)).body.ticket);
    // Automatic admission keeps 0.2 × 10 available = 2 visitors admitted and undecided.
    await app.get(AdmissionLeader).tick();
    const series = (text: string) =>
      Object.fromEntries(
        ['joined', 'waiting', 'admitted', 'passes_in_use', 'converted', 'conversion_ratio'].map((figure) => [
          figure,
          sample(text, `gtd_queue_${figure}{product_id="2"}`),
        ]),
      );
    let text = await scrape();
    expect(series(text)).toEqual({
      joined: 5,
      waiting: 3,
      admitted: 2,
      passes_in_use: 2,
      converted: 0,
      conversion_ratio: 0,
    });
    expect(text).not.toContain('gtd_queue_joined{product_id="1"}');

    const { pass } = (
      await http().post('/products/2/queue/pass').set(QUEUE_TICKET_HEADER, tickets[0]).expect(201)
    ).body;
    const gate = app.get(QueuePassGate);
    const admitted = await gate.admit(2, pass, null, null);
    await gate.settleWith(
      admitted,
      app.get(PurchaseService).decide({ productId: 2, quantity: 1, buyerId: null, idempotencyKey: null }),
    );
    text = await scrape();
    expect(series(text)).toMatchObject({
      admitted: 2,
      passes_in_use: 1,
      converted: 1,
      conversion_ratio: 0.5,
    });
  });

  it('has the default process metrics and times requests by route template', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    const text = await scrape();
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(
      /^gtd_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1$/m,
    );
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'scraper-token-0123456789';
  let app: INestApplication;

  beforeAll(async () => {
    app = await createFeatureTestApp(
      [
        ObservabilityModule.forRoot({ LOG_LEVEL: 'silent' }),
        ...waitingRoomModules(),
        OperationsModule.forRoot({ metricsToken: token }),
      ],
      [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 3 }],
    );
  });

  afterAll(() => app.close());

  it('answers 401 UNAUTHORIZED with a bearer challenge when the token is missing', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(401);
    expect(res.body.code).toBe(ErrorCode.Unauthorized);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.text).not.toContain('gtd_purchases_total');
  });

  it('answers 401 with invalid_token when the token is wrong', async () => {
    const res = await request(app.getHttpServer())
      .get('/metrics')
      .set('Authorization', `Bearer ${token}x`)
      .expect(401);
    expect(res.body.code).toBe(ErrorCode.Unauthorized);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('serves the metrics to the holder of the token', async () => {
    const res = await request(app.getHttpServer())
      .get('/metrics')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.text).toMatch(/^gtd_purchases_total\{outcome="sold"\} 0$/m);
  });
});
