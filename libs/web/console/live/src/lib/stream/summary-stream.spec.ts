/**
 * @jest-environment node
 */
// Node's own fetch, streams and HTTP server: the stream is read from a real socket, so chunk
// boundaries, dropped connections, stalls and aborts are the network's, not a fake's.
import { DropSummary } from '@gtd/shared-contracts';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { Observable, Subscription } from 'rxjs';
import { parseSummary, summaryStream, SummaryStreamEvent, SummaryStreamOptions } from './summary-stream';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const TOKEN = 'operator-secret';

const summary = (sold: number, extra: Partial<DropSummary> = {}): DropSummary => ({
  productId: 1,
  state: 'live',
  stock: 100,
  sold,
  available: 100 - sold,
  orders: sold,
  buyers: sold,
  rejects: {},
  ...extra,
});

const frame = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

function openStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
}

/** A server answering its n-th request with the n-th handler (the last one again after that). */
class ScriptedServer {
  readonly requests: IncomingMessage[] = [];
  /** Responses whose connection has closed (the client aborted, or the handler ended it). */
  closed = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly handlers: Handler[]) {
    this.server = createServer((request, response) => {
      const handler = this.handlers[Math.min(this.requests.length, this.handlers.length - 1)];
      this.requests.push(request);
      response.on('close', () => this.closed++);
      handler(request, response);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/admin/products/1/summary/stream`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Collects a stream's events; `until` waits for the events to match. */
class Recorder {
  readonly events: SummaryStreamEvent[] = [];
  completed = false;
  readonly subscription: Subscription;
  private waiters: (() => void)[] = [];

  constructor(stream: Observable<SummaryStreamEvent>) {
    this.subscription = stream.subscribe({
      next: (event) => {
        this.events.push(event);
        this.wake();
      },
      complete: () => {
        this.completed = true;
        this.wake();
      },
    });
  }

  until(predicate: (events: SummaryStreamEvent[]) => boolean, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; events so far: ${JSON.stringify(this.events)}`)),
        timeoutMs,
      );
      const check = () => {
        if (!predicate(this.events)) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (check()) return;
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  summaries(): number[] {
    return this.events.flatMap((e) => (e.kind === 'summary' ? [e.summary.sold] : []));
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}

describe('summaryStream', () => {
  let server: ScriptedServer | undefined;
  let recorder: Recorder | undefined;

  afterEach(async () => {
    recorder?.subscription.unsubscribe();
    recorder = undefined;
    await server?.close();
    server = undefined;
  });

  async function start(handlers: Handler[], options: Partial<SummaryStreamOptions> = {}): Promise<Recorder> {
    server = new ScriptedServer(handlers);
    const url = await server.listen();
    recorder = new Recorder(
      summaryStream({ url, token: TOKEN, fetch, retryMs: 20, maxRetryMs: 80, stallMs: 2000, ...options }),
    );
    return recorder;
  }

  /** The server `start` made (each test starts one first). */
  function scripted(): ScriptedServer {
    if (!server) throw new Error('start() first');
    return server;
  }

  it('sends the bearer in the Authorization header, never in the URL, and reads events split across writes', async () => {
    const text = frame(summary(1)) + ': heartbeat\n\n' + frame(summary(2)) + frame(summary(3));
    const events = await start([
      (_request, response) => {
        openStream(response);
        // A byte at a time through the middle third, so events arrive split across many chunks.
        void (async () => {
          const cut = Math.floor(text.length / 3);
          response.write(text.slice(0, cut));
          for (const ch of text.slice(cut, 2 * cut)) {
            response.write(ch);
            await delay(1);
          }
          response.write(text.slice(2 * cut));
        })();
      },
    ]);
    await events.until(() => events.summaries().length === 3);
    expect(events.summaries()).toEqual([1, 2, 3]);
    expect(events.kinds()[0]).toBe('open');
    const request = scripted().requests[0];
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.accept).toBe('text/event-stream');
    expect(request.url).toBe('/admin/products/1/summary/stream');
    expect(request.url).not.toContain(TOKEN);
  });

  it('reads CRLF framing and skips data that is not a summary, keeping the stream', async () => {
    const events = await start([
      (_request, response) => {
        openStream(response);
        response.write(`data: ${JSON.stringify(summary(4))}\r\n\r\n`);
        response.write('data: not json\r\n\r\n');
        response.write('data: {"sold":"five"}\r\n\r\nevent: other\r\ndata: {}\r\n\r\n');
        response.write(`data: ${JSON.stringify(summary(6))}\r`);
        response.write('\n\r\n');
      },
    ]);
    await events.until(() => events.summaries().length === 2);
    expect(events.summaries()).toEqual([4, 6]);
  });

  it('reconnects with growing, capped back-off after 5xx answers and a refused connection, then streams', async () => {
    const events = await start([
      (_request, response) => response.writeHead(503).end(),
      (_request, response) => response.writeHead(502).end(),
      (request) => request.socket.destroy(),
      (_request, response) => response.writeHead(500).end(),
      (_request, response) => {
        openStream(response);
        response.write(frame(summary(9)));
      },
    ]);
    await events.until(() => events.summaries().length === 1);
    const retries = events.events.flatMap((e) => (e.kind === 'reconnecting' ? [e] : []));
    expect(retries.map((r) => [r.failures, r.retryInMs])).toEqual([
      [1, 20],
      [2, 40],
      [3, 80],
      [4, 80],
    ]);
    expect(retries[0].reason).toBe('HTTP 503');
    expect(scripted().requests).toHaveLength(5);
    expect(events.completed).toBe(false);
  });

  it('reconnects when the connection drops or the server ends the stream, a summary resetting the back-off', async () => {
    const events = await start([
      (_request, response) => {
        openStream(response);
        response.write(frame(summary(1)));
        setTimeout(() => response.socket?.destroy(), 20);
      },
      (_request, response) => {
        openStream(response);
        response.write(frame(summary(2)));
        setTimeout(() => response.end(), 20);
      },
      (_request, response) => {
        openStream(response);
        response.write(frame(summary(3)));
      },
    ]);
    await events.until(() => events.summaries().length === 3);
    expect(events.kinds()).toEqual([
      'open',
      'summary',
      'reconnecting',
      'open',
      'summary',
      'reconnecting',
      'open',
      'summary',
    ]);
    const retries = events.events.flatMap((e) => (e.kind === 'reconnecting' ? [e.failures] : []));
    expect(retries).toEqual([1, 1]);
  });

  it('stops on 401 with unauthorized and never asks again', async () => {
    const events = await start([(_request, response) => response.writeHead(401).end()]);
    await events.until(() => events.completed);
    expect(events.kinds()).toEqual(['unauthorized']);
    await delay(100);
    expect(scripted().requests).toHaveLength(1);
  });

  it('stops on 404 with not-found, and on another 4xx with its problem code', async () => {
    const notFound = await start([(_request, response) => response.writeHead(404).end()]);
    await notFound.until(() => notFound.completed);
    expect(notFound.kinds()).toEqual(['not-found']);
    await scripted().close();

    const refused = await start([
      (_request, response) =>
        response
          .writeHead(403, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 403, code: 'ADMIN_DISABLED' })),
    ]);
    await refused.until(() => refused.completed);
    expect(refused.events).toEqual([{ kind: 'refused', status: 403, code: 'ADMIN_DISABLED' }]);
    await delay(60);
    expect(scripted().requests).toHaveLength(1);
  });

  it('retries a 429 and an answer that is not an event stream', async () => {
    const events = await start([
      (_request, response) => response.writeHead(429).end(),
      (_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
      (_request, response) => {
        openStream(response);
        response.write(frame(summary(5)));
      },
    ]);
    await events.until(() => events.summaries().length === 1);
    const reasons = events.events.flatMap((e) => (e.kind === 'reconnecting' ? [e.reason] : []));
    expect(reasons).toEqual(['HTTP 429', 'the answer is not an event stream']);
  });

  it('takes a silent connection for dead after stallMs, closes it and opens a new one', async () => {
    const events = await start(
      [
        (_request, response) => {
          openStream(response);
          response.write(frame(summary(1)));
          // Then nothing, not even a heartbeat: a half-open connection.
        },
        (_request, response) => {
          openStream(response);
          response.write(frame(summary(2)));
        },
      ],
      { stallMs: 150 },
    );
    await events.until(() => events.summaries().length === 2);
    const reasons = events.events.flatMap((e) => (e.kind === 'reconnecting' ? [e.reason] : []));
    expect(reasons).toEqual(['no data for 150 ms']);
    await waitFor(() => scripted().closed >= 1);
  });

  it('keeps a connection that only sends heartbeats', async () => {
    const events = await start(
      [
        (_request, response) => {
          openStream(response);
          response.write(frame(summary(1)));
          const beat = setInterval(() => response.write(': heartbeat\n\n'), 40);
          response.on('close', () => clearInterval(beat));
        },
      ],
      { stallMs: 150 },
    );
    await events.until(() => events.summaries().length === 1);
    await delay(450);
    expect(events.kinds()).toEqual(['open', 'summary']);
    expect(scripted().requests).toHaveLength(1);
  });

  it('aborts the request when unsubscribed: the server sees the connection close', async () => {
    const events = await start([
      (_request, response) => {
        openStream(response);
        response.write(frame(summary(1)));
      },
    ]);
    await events.until(() => events.summaries().length === 1);
    expect(scripted().closed).toBe(0);
    events.subscription.unsubscribe();
    await waitFor(() => scripted().closed === 1);
    await delay(60);
    expect(scripted().requests).toHaveLength(1);
  });

  it('asks nothing more once unsubscribed during a back-off wait', async () => {
    const events = await start([(_request, response) => response.writeHead(500).end()], { retryMs: 50 });
    await events.until((all) => all.some((e) => e.kind === 'reconnecting'));
    events.subscription.unsubscribe();
    const asked = scripted().requests.length;
    await delay(200);
    expect(scripted().requests).toHaveLength(asked);
  });
});

describe('parseSummary', () => {
  it('accepts a summary and refuses anything missing a counter or the rejects', () => {
    expect(parseSummary(JSON.stringify(summary(3)))).toEqual(summary(3));
    expect(parseSummary('null')).toBeUndefined();
    expect(parseSummary('[1]')).toBeUndefined();
    expect(parseSummary('{')).toBeUndefined();
    const noRejects: Partial<DropSummary> = { ...summary(1) };
    delete noRejects.rejects;
    expect(parseSummary(JSON.stringify(noRejects))).toBeUndefined();
    expect(parseSummary(JSON.stringify({ ...summary(1), available: null }))).toBeUndefined();
  });
});
