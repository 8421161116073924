import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { StoreHealth } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { ObservabilityModule } from '@gtd/api-platform';
import request from 'supertest';
import { OperationsModule } from './operations.module';

describe('GET /health', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [ObservabilityModule.forRoot({ LOG_LEVEL: 'silent' }), OperationsModule],
      [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 1 }],
    );
  });

  afterEach(() => app.close());

  it('is 200 with the adapter named while the store answers', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { instance: { status: 'up', store: 'memory' }, memory: { status: 'up' } },
    });
  });

  it('is 503 SERVICE_UNAVAILABLE, naming the failure, when the store does not answer', async () => {
    const store = app.get<StoreHealth>(StoreHealth);
    jest
      .spyOn(store, 'checkHealth')
      .mockResolvedValue([{ name: 'memory', up: false, details: { error: 'connection refused' } }]);
    const res = await request(app.getHttpServer()).get('/health').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: ErrorCode.ServiceUnavailable, status: 503 });
    expect(res.body.detail).toContain('connection refused');
  });
});
