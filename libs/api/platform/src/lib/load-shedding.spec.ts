import { Body, Controller, INestApplication, Module, Post } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import request from 'supertest';
import { DomainError } from './domain-error';
import { createHttpApp } from './http-app';
import { HTTP_ADAPTERS } from './config';
import { HttpPlatformModule } from './http-platform.module';
import { LoadShedder } from './load-shedding';
import { MetricsRegistry } from './metrics';
import { ObservabilityModule } from './observability.module';
import { RequestObserver } from './request-observer';

const DETAIL = 'Too busy right now; nothing was changed.';

/** The route's own refusal, thrown from inside the pipeline, to compare the shed answer with. */
let saturated = false;
let handled = 0;

@Controller('work')
class WorkController {
  @Post()
  work(@Body() body: object): object {
    handled++;
    if (saturated) throw new DomainError(ErrorCode.ServiceUnavailable, DETAIL, { retryAfterSeconds: 2 });
    return body;
  }
}

@Module({ controllers: [WorkController] })
class WorkModule {}

type Line = Record<string, unknown> & { level: string; msg: string };
const lines: Line[] = [];
const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Line) };

describe.each(HTTP_ADAPTERS)('LoadShedder on %s', (adapter) => {
  let app: INestApplication;
  let shedding = false;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createHttpApp(
      {
        module: class TestApp {},
        imports: [
          HttpPlatformModule,
          ObservabilityModule.forRoot({ LOG_LEVEL: 'info', destination }),
          WorkModule,
        ],
      },
      adapter,
      '/nonexistent-storefront',
    );
    app.useLogger(app.get(PinoNestLogger));
    app.flushLogs();
    app.get(LoadShedder).shed({
      method: 'POST',
      path: '/work',
      overloaded: () => shedding,
      detail: DETAIL,
      retryAfterSeconds: 2,
    });
    app.get(LoadShedder).shed({
      method: 'POST',
      path: '/work/held',
      overloaded: () => shedding,
      detail: DETAIL,
      retryAfterSeconds: 2,
      holdMs: 300,
    });
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());
  beforeEach(() => {
    shedding = false;
    saturated = false;
    handled = 0;
    lines.length = 0;
  });

  it('lets requests through while the route is not overloaded', async () => {
    await http().post('/work').send({ n: 1 }).expect(201, { n: 1 });
    expect(handled).toBe(1);
  });

  it('answers an overloaded route before the pipeline with the same bytes the route itself would send', async () => {
    saturated = true;
    const fromRoute = await http().post('/work').send({ n: 1 }).expect(503);
    expect(handled).toBe(1);

    shedding = true;
    const shed = await http().post('/work').send({ n: 1 }).expect(503);
    expect(handled).toBe(1);
    expect(shed.text).toBe(fromRoute.text);
    for (const header of ['content-type', 'retry-after', 'content-length']) {
      expect(shed.headers[header]).toBe(fromRoute.headers[header]);
    }
    expect(shed.headers['x-request-id']).toEqual(expect.any(String));
    expect(shed.headers['x-request-id']).not.toBe(fromRoute.headers['x-request-id']);
    expect(JSON.parse(shed.text)).toMatchObject({
      status: 503,
      code: ErrorCode.ServiceUnavailable,
      detail: DETAIL,
      instance: '/work',
      retryAfterSeconds: 2,
    });
  });

  it('holds a refusal when the rule says so: an answer asked for later arrives first', async () => {
    shedding = true;
    const order: string[] = [];
    const held = http()
      .post('/work/held')
      .send({})
      .then((res) => order.push(`held ${res.status}`));
    // Once the held request is in, anything else is answered while it waits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await http()
      .post('/work')
      .send({})
      .then((res) => order.push(`at once ${res.status}`));
    await held;
    expect(order).toEqual(['at once 503', 'held 503']);
    expect(handled).toBe(0);
  });

  it('names the URL with its query string as the instance', async () => {
    shedding = true;
    const res = await http().post('/work?attempt=3').send({}).expect(503);
    expect(res.body.instance).toBe('/work?attempt=3');
  });

  it('refuses without reading a body, whatever it holds, and leaves other routes alone', async () => {
    shedding = true;
    await http().post('/work').set('Content-Type', 'application/json').send('{"broken').expect(503);
    await http().post('/elsewhere').send({}).expect(404);
    expect(handled).toBe(0);
  });

  it('counts shed answers under their route in the metrics and in one digest line, not a line each', async () => {
    const observer = app.get(RequestObserver);
    const shedCount = async () =>
      Number(
        /^gtd_http_request_duration_seconds_count\{method="POST",route="\/work",status="503"\} (\d+)$/m.exec(
          await app.get(MetricsRegistry).text(),
        )?.[1] ?? 0,
      );
    // What earlier cases refused is written first, so the line below holds only these 20.
    observer.onApplicationShutdown();
    lines.length = 0;
    const before = await shedCount();
    shedding = true;
    await Promise.all(Array.from({ length: 20 }, () => http().post('/work').send({}).expect(503)));
    // The server observes a request once its last byte is handed over, just after the client read it.
    for (let attempt = 0; attempt < 100 && (await shedCount()) < before + 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await shedCount()).toBe(before + 20);
    expect(lines).toEqual([]);

    observer.onApplicationShutdown();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/^refused 20 requests under load in [\d.]+ s$/),
        refused: { 'POST /work 503 SERVICE_UNAVAILABLE': 20 },
        total: 20,
      }),
    ]);
  });
});
