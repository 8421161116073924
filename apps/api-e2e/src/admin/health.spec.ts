import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, health, HTTP_ADAPTERS, OPERATOR_TOKEN, send, useServer } from '@gtd/testing';

describe.each(HTTP_ADAPTERS)('health on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(1), { HTTP_ADAPTER: httpAdapter, ADMIN_TOKEN: OPERATOR_TOKEN });

  it('GET /health tells anyone only up or down: no file path, no pid, no figures', async () => {
    const reply = await send(server.baseUrl, { path: ApiRoutes.health });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      status: 'ok',
      info: { sqlite: { status: 'up' } },
      error: {},
      details: { sqlite: { status: 'up' } },
    });
    expect(reply.text).not.toMatch(/pid|\.sqlite/);
  });

  it('GET /admin/health gives the operator the pid, the store and the SQLite file', async () => {
    const reply = await health(server.baseUrl);
    expect(reply.status).toBe(200);
    expect(reply.body.details.instance).toMatchObject({
      status: 'up',
      pid: expect.any(Number),
      store: 'sqlite',
    });
    expect(reply.body.details['sqlite']).toMatchObject({
      status: 'up',
      path: expect.stringMatching(/\.sqlite$/),
    });
  });
});
