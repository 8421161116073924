import { Body, Controller, Get, INestApplication, Module, Param, Post } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import request from 'supertest';
import { DomainError } from './domain-error';
import { createHttpApp } from './http-app';
import { HTTP_ADAPTERS } from './config';
import { HttpPlatformModule } from './http-platform.module';
import { MetricsRegistry } from './metrics';
import { ObservabilityModule } from './observability.module';
import { RequestObserver } from './request-observer';

@Controller('things')
class ThingsController {
  @Get(':id')
  read(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new DomainError(ErrorCode.ProductNotFound, 'No such thing.');
    if (id === 'broken') throw new Error('disk on fire');
    if (id === 'limited') {
      throw new DomainError(ErrorCode.RateLimited, 'Slow down.', { retryAfterSeconds: 1 });
    }
    if (id === 'gone') throw new DomainError(ErrorCode.SoldOut, 'Sold out.');
    return { id };
  }

  @Post()
  create(@Body() body: object): object {
    return body;
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

type Line = Record<string, unknown> & { reqId?: string; level: string; msg: string };

/** Every line the app logs, parsed; one stream for every app of this file, as nestjs-pino keeps the first. */
const lines: Line[] = [];
const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Line) };
const UUID = /^[0-9a-f-]{36}$/;

describe.each(HTTP_ADAPTERS)('request ids, request log lines and latency on %s', (adapter) => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const linesOf = (id: string) => lines.filter((line) => line.reqId === id);

  beforeAll(async () => {
    app = await createHttpApp(
      {
        module: class TestApp {},
        imports: [
          HttpPlatformModule,
          ObservabilityModule.forRoot({ LOG_LEVEL: 'info', destination }),
          ThingsModule,
        ],
      },
      adapter,
      '/nonexistent-storefront',
    );
    app.useLogger(app.get(PinoNestLogger));
    app.flushLogs();
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());
  beforeEach(() => (lines.length = 0));

  it('answers a sane incoming X-Request-Id as it came, and logs a write under it', async () => {
    const res = await http()
      .post('/things')
      .set('X-Request-Id', 'client-chosen.42')
      .set('Authorization', 'Bearer top-secret-token')
      .send({ name: 'x' })
      .expect(201);
    expect(res.headers['x-request-id']).toBe('client-chosen.42');
    expect(linesOf('client-chosen.42')).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        route: '/things',
        req: expect.objectContaining({
          method: 'POST',
          url: '/things',
          headers: expect.objectContaining({ authorization: '[redacted]' }),
        }),
        res: { statusCode: 201 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('top-secret-token');
  });

  it('gives a request without a usable id a random UUID', async () => {
    const res = await http().get('/things/1').set('X-Request-Id', 'has spaces in it').expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('writes no line for a successful read', async () => {
    const res = await http().get('/things/1').expect(200);
    expect(linesOf(res.headers['x-request-id'])).toEqual([]);
  });

  it('logs a failed read as a warning with its problem code', async () => {
    const res = await http().get('/things/missing').expect(404);
    expect(linesOf(res.headers['x-request-id'])).toEqual([
      expect.objectContaining({ level: 'warn', code: ErrorCode.ProductNotFound, res: { statusCode: 404 } }),
    ]);
  });

  it.each([
    ['limited', 429, ErrorCode.RateLimited],
    ['gone', 409, ErrorCode.SoldOut],
  ])('counts a %s answer in the refusal digest instead of a line each', async (id, status, code) => {
    const res = await http().get(`/things/${id}`).expect(status);
    for (let attempt = 0; attempt < 50 && lines.length === 0; attempt++) {
      app.get(RequestObserver).onApplicationShutdown();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(linesOf(res.headers['x-request-id'])).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({ refused: { [`GET /things/:id ${status} ${code}`]: 1 }, total: 1 }),
    ]);
  });

  it('ties the error line of a 5xx to the request line by the request id', async () => {
    const res = await http().get('/things/broken').expect(500);
    const logged = linesOf(res.headers['x-request-id']);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          msg: 'Unhandled error on /things/broken',
          err: expect.objectContaining({ message: 'disk on fire' }),
        }),
        expect.objectContaining({ level: 'error', msg: 'request failed', code: ErrorCode.InternalError }),
      ]),
    );
  });

  it('logs a body refused before routing, with an id', async () => {
    const res = await http()
      .post('/things')
      .set('Content-Type', 'application/json')
      .send('{"broken')
      .expect(400);
    expect(linesOf(res.headers['x-request-id'])).toEqual([
      expect.objectContaining({ level: 'warn', code: ErrorCode.MalformedJson }),
    ]);
  });

  it('counts latency by route template, not by path', async () => {
    await http().get('/things/1').expect(200);
    await http().get('/things/2').expect(200);
    await http().get('/nowhere').expect(404);
    // The server counts a request once its last byte is handed over, which may come just after the
    // client has read the answer.
    let text = '';
    for (let attempt = 0; attempt < 100 && !text.includes('status="404"'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      text = await app.get(MetricsRegistry).text();
    }
    expect(text).toMatch(
      /^gtd_http_request_duration_seconds_count\{method="GET",route="\/things\/:id",status="200"\} [2-9]/m,
    );
    expect(text).toMatch(
      /^gtd_http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status="404"\} \d/m,
    );
    expect(text).not.toContain('/things/1');
  });
});
