import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { StoreHealth } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import request from 'supertest';
import { AdminModule } from './admin.module';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { TicketsModule } from '@gtd/api-tickets';

const TOKEN = 'operator-token-0123456789';

describe('GET /admin/health', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [...waitingRoomModules(), TicketsModule.forRoot({}), AdminModule.forRoot({ adminToken: TOKEN })],
      [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 1 }],
    );
  });

  afterEach(() => app.close());

  const get = () => request(app.getHttpServer()).get('/admin/health');

  it('gives the operator the details: pid, store kind and each dependency figure', async () => {
    jest
      .spyOn(app.get<StoreHealth>(StoreHealth), 'checkHealth')
      .mockResolvedValue([{ name: 'sqlite', up: true, details: { path: '/srv/drop.sqlite', queued: 3 } }]);
    const res = await get().set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: {
        instance: { status: 'up', pid: process.pid, store: 'memory' },
        sqlite: { status: 'up', path: '/srv/drop.sqlite', queued: 3 },
      },
    });
  });

  it('is 503 SERVICE_UNAVAILABLE naming the failure and its error when the store does not answer', async () => {
    jest
      .spyOn(app.get<StoreHealth>(StoreHealth), 'checkHealth')
      .mockResolvedValue([{ name: 'memory', up: false, details: { error: 'connection refused' } }]);
    const res = await get().set('Authorization', `Bearer ${TOKEN}`).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: ErrorCode.ServiceUnavailable, status: 503 });
    expect(res.body.detail).toContain('connection refused');
  });

  it('is the operator guard’s: 401 without the token', async () => {
    const res = await get().expect(401);
    expect(res.body.code).toBe(ErrorCode.Unauthorized);
  });
});
