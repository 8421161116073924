import { catalogWithStocks, HTTP_ADAPTERS, send, useServer } from '@gtd/testing';
import { connect } from 'node:net';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/** Writes `bytes` on a fresh TCP connection and reads everything until the server closes it (or 10 s pass). */
function exchange(baseUrl: string, bytes: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 10 s')), 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body = ''] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, closed: true });
    });
  });
}

/** Requests Node's HTTP parser refuses never reach a route; they still get a problem, then the connection closes. */
describe.each(HTTP_ADAPTERS)('requests that are not HTTP on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(1), { HTTP_ADAPTER: httpAdapter });

  it.each([
    ['a malformed request line', 'GET /products HTTP/1.1 extra\r\nHost: x\r\n\r\n', 400],
    ['an invalid header line', 'GET /products HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', 400],
    ['a control character in a header', 'GET /products HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n', 400],
    [
      'headers over the size limit',
      `GET /products HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ])('%s gets a BAD_REQUEST problem', async (_case, bytes, status) => {
    const answer = await exchange(server.baseUrl, bytes);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.body)).toMatchObject({ status, code: 'BAD_REQUEST', type: expect.any(String) });
    expect(answer.closed).toBe(true);
  });
});

interface LogLine {
  level: string;
  msg?: string;
  reqId?: string;
  err?: { stack?: string };
}

/**
 * A client that leaves while sending its body is not a fault: no `error` line and no stack (Fastify
 * logged Node's "aborted" as an unhandled error with its stack), and the server answers on.
 */
describe.each(HTTP_ADAPTERS)('a client that leaves mid-body on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(1), { HTTP_ADAPTER: httpAdapter, LOG_LEVEL: 'debug' });
  const linesOf = (reqId: string): LogLine[] =>
    server
      .stdout()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.reqId === reqId);

  it('is logged below error, without a stack', async () => {
    const { hostname, port } = new URL(server.baseUrl);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST /buy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n' +
            `X-Request-Id: e2e-abort-${httpAdapter}\r\n\r\n{"productId":`,
        );
        // Long enough for the server to start reading the body, then gone.
        setTimeout(() => socket.destroy(), 200);
      });
      socket.on('close', () => resolve());
    });
    // A request after it, whose line (written in order) shows the abort's lines are out too.
    const next = `e2e-after-abort-${httpAdapter}`;
    const reply = await send(server.baseUrl, { path: '/health', headers: { 'x-request-id': next } });
    expect(reply.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (linesOf(next).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(linesOf(next).length).toBeGreaterThan(0);
    const abort = linesOf(`e2e-abort-${httpAdapter}`);
    expect(abort.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    expect(abort.filter((line) => line.err?.stack !== undefined)).toEqual([]);
  });
});
