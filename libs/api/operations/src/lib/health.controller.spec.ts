import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { DependencyHealth, StoreHealth } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { ObservabilityModule } from '@gtd/api-platform';
import request from 'supertest';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { OperationsModule } from './operations.module';

describe('GET /health', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [ObservabilityModule.forRoot({ LOG_LEVEL: 'silent' }), ...waitingRoomModules(), OperationsModule],
      [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 1 }],
    );
  });

  afterEach(() => app.close());

  const dependencies = (checks: DependencyHealth[]) =>
    jest.spyOn(app.get<StoreHealth>(StoreHealth), 'checkHealth').mockResolvedValue(checks);

  it('is 200 with only up or down per dependency while the store answers', async () => {
    dependencies([{ name: 'sqlite', up: true, details: { path: '/srv/drop/data/drop.sqlite', queued: 3 } }]);
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    // Anyone may call it: no file path, pid, store internals or pool figures (those are /admin/health's).
    expect(res.body).toEqual({
      status: 'ok',
      info: { sqlite: { status: 'up' } },
      error: {},
      details: { sqlite: { status: 'up' } },
    });
  });

  it('is 503 SERVICE_UNAVAILABLE naming the dependency but not its error when the store does not answer', async () => {
    dependencies([
      { name: 'postgres', up: false, details: { error: 'connect ECONNREFUSED 10.0.0.7:5432', pool: 10 } },
    ]);
    const res = await request(app.getHttpServer()).get('/health').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: ErrorCode.ServiceUnavailable, status: 503 });
    expect(res.body.detail).toContain('postgres');
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|pool/);
  });
});
