import { catalogWithStocks, HTTP_ADAPTERS, useServer } from '@gtd/testing';
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
