import { DropSummary } from '@gtd/shared-contracts';
import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';
import { summaryStream, SummaryStreamEvent } from './summary-stream';

// jsdom has neither; the browser has both, and the code reads them as globals.
Object.assign(globalThis, { TextDecoder: NodeTextDecoder });
const encoder = new NodeTextEncoder();

const SUMMARY: DropSummary = {
  productId: 7,
  state: 'LIVE' as DropSummary['state'],
  stock: 10,
  sold: 3,
  available: 7,
  orders: 2,
  buyers: 2,
  rejects: {},
};

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

/** A controllable event-stream body: the test pushes chunks, or ends or breaks the connection. */
function sseBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new NodeReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    body,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    fail: () => controller.error(new TypeError('network error')),
  };
}

function response(status: number, body?: unknown, contentType = 'text/event-stream') {
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) },
    body,
    json: async () => ({ code: 'SOME_CODE' }),
  } as unknown as Response;
}

function fakeFetch(answers: (() => Response | Promise<Response>)[]) {
  const calls: Call[] = [];
  const fetchFn = jest.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const answer = answers.shift();
    if (!answer) return new Promise<Response>(() => undefined);
    return answer();
  });
  return { fetchFn: fetchFn as unknown as typeof fetch, calls };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};

const options = {
  url: '/api/admin/products/7/summary/stream',
  token: 'tok',
  retryMs: 5,
  maxRetryMs: 20,
  stallMs: 10_000,
};

describe('summaryStream', () => {
  it('sends the bearer in a header, decodes summaries across chunks and skips comments', async () => {
    const stream = sseBody();
    const { fetchFn, calls } = fakeFetch([() => response(200, stream.body)]);
    const events: SummaryStreamEvent[] = [];
    const sub = summaryStream({ ...options, fetch: fetchFn }).subscribe((e) => events.push(e));
    await flush();
    const json = JSON.stringify(SUMMARY);
    stream.push(`: keep-alive\r\n\r\ndata: ${json.slice(0, 10)}`);
    stream.push(`${json.slice(10)}\r`);
    stream.push(`\n\r\ndata: ${JSON.stringify({ ...SUMMARY, sold: 4 })}\n\n`);
    await flush();
    expect(calls[0].url).toBe(options.url);
    expect(calls[0].url).not.toContain('tok');
    expect((calls[0].init.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
    expect(events.map((e) => (e.kind === 'summary' ? e.summary.sold : e.kind))).toEqual(['open', 3, 4]);
    sub.unsubscribe();
  });

  it('stops for good on 401 and on 404', async () => {
    for (const [status, kind] of [
      [401, 'unauthorized'],
      [404, 'not-found'],
    ] as const) {
      const { fetchFn, calls } = fakeFetch([() => response(status, null, 'application/problem+json')]);
      const events: SummaryStreamEvent[] = [];
      let completed = false;
      summaryStream({ ...options, fetch: fetchFn }).subscribe({
        next: (e) => events.push(e),
        complete: () => (completed = true),
      });
      await flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(events).toEqual([{ kind }]);
      expect(completed).toBe(true);
      expect(calls).toHaveLength(1);
    }
  });

  it('reconnects with a capped, growing back-off after a 5xx, a network error and a dropped stream', async () => {
    const dropped = sseBody();
    const { fetchFn, calls } = fakeFetch([
      () => response(503, null, 'application/problem+json'),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => response(502, null),
      () => response(200, dropped.body),
      () => response(200, sseBody().body),
    ]);
    const events: SummaryStreamEvent[] = [];
    const sub = summaryStream({ ...options, fetch: fetchFn }).subscribe((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 150));
    dropped.push(`data: ${JSON.stringify(SUMMARY)}\n\n`);
    await flush();
    dropped.fail();
    await new Promise((r) => setTimeout(r, 100));
    const delays = events.flatMap((e) => (e.kind === 'reconnecting' ? [e.retryInMs] : []));
    // 5, 10, 20, capped at 20; a summary resets the count, so the drop after it waits 5 again.
    expect(delays).toEqual([5, 10, 20, 5]);
    expect(events.filter((e) => e.kind === 'open')).toHaveLength(2);
    expect(events.some((e) => e.kind === 'summary')).toBe(true);
    expect(calls).toHaveLength(5);
    sub.unsubscribe();
  });

  it('aborts the fetch on unsubscribe and does not reconnect', async () => {
    const stream = sseBody();
    const { fetchFn, calls } = fakeFetch([() => response(200, stream.body)]);
    const sub = summaryStream({ ...options, fetch: fetchFn }).subscribe();
    await flush();
    const signal = calls[0].init.signal as AbortSignal;
    expect(signal.aborted).toBe(false);
    sub.unsubscribe();
    expect(signal.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(1);
  });
});
