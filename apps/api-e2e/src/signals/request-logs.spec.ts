import { ApiRoutes, ErrorCode } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, send, useServer } from '@gtd/testing';
import { buyRequest } from '../support/drop';

interface LogLine {
  level: string;
  time: number;
  msg: string;
  reqId?: string;
  code?: string;
  req?: { method: string; url: string; headers?: Record<string, string> };
  res?: { statusCode: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(HTTP_ADAPTERS)('structured request logs on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(5), { HTTP_ADAPTER: httpAdapter, LOG_LEVEL: 'info' });

  /** Every line the server printed on stdout, parsed (each must be one JSON object). */
  const logLines = (): LogLine[] =>
    server
      .stdout()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  /** The lines of one request id, once they are written (log writes are asynchronous). */
  const linesOf = async (reqId: string, expected = 1): Promise<LogLine[]> => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const lines = logLines().filter((line) => line.reqId === reqId);
      if (lines.length >= expected) return lines;
      await sleep(20);
    }
    return logLines().filter((line) => line.reqId === reqId);
  };

  it('prints only JSON lines with a level, a time and a message', () => {
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          time: expect.any(Number),
          msg: expect.any(String),
        }),
      );
  });

  it('answers a request’s X-Request-Id and logs the purchase under it', async () => {
    const reply = await send(server.baseUrl, {
      ...buyRequest(1, 1),
      headers: { 'x-request-id': 'e2e-buy-0001' },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers['x-request-id']).toBe('e2e-buy-0001');
    expect(await linesOf('e2e-buy-0001')).toEqual([
      expect.objectContaining({
        level: 'info',
        req: expect.objectContaining({ method: 'POST', url: '/buy' }),
        res: { statusCode: 201 },
      }),
    ]);
  });

  it('gives every request an id, a fresh UUID when the incoming one is not a sane token', async () => {
    const reply = await send(server.baseUrl, {
      path: ApiRoutes.inventory(1),
      headers: { 'x-request-id': 'not a "sane" id' },
    });
    expect(reply.headers['x-request-id']).toMatch(UUID);
  });

  it('logs failures of any route, and no line for a successful poll, stream or scrape', async () => {
    const quiet = ['e2e-poll-ok', 'e2e-metrics-ok', 'e2e-health-ok'];
    await send(server.baseUrl, { path: ApiRoutes.inventory(1), headers: { 'x-request-id': quiet[0] } });
    await send(server.baseUrl, { path: ApiRoutes.metrics, headers: { 'x-request-id': quiet[1] } });
    await send(server.baseUrl, { path: ApiRoutes.health, headers: { 'x-request-id': quiet[2] } });
    const missing = await send(server.baseUrl, {
      path: ApiRoutes.inventory(404),
      headers: { 'x-request-id': 'e2e-poll-404' },
    });
    expect(missing.status).toBe(404);

    expect(await linesOf('e2e-poll-404')).toEqual([
      expect.objectContaining({ level: 'warn', code: ErrorCode.ProductNotFound, res: { statusCode: 404 } }),
    ]);
    // The 404's line is out, and lines are written in order: the earlier quiet requests wrote none.
    expect(logLines().filter((line) => quiet.includes(line.reqId ?? ''))).toEqual([]);
  });

  it('never writes a bearer token into a log line', async () => {
    const reply = await send(server.baseUrl, {
      ...buyRequest(1, 1),
      headers: { 'x-request-id': 'e2e-auth-0001', authorization: 'Bearer e2e-secret-token-value' },
    });
    expect(reply.headers['x-request-id']).toBe('e2e-auth-0001');
    const [line] = await linesOf('e2e-auth-0001');
    expect(line.req?.headers?.['authorization']).toBe('[redacted]');
    expect(server.stdout()).not.toContain('e2e-secret-token-value');
  });
});
