import { IncomingHttpHeaders, request } from 'node:http';

/** One server-sent event as received: its data parsed as JSON, and when it arrived (ms, monotonic). */
export interface ReceivedEvent<T> {
  id?: string;
  data: T;
  at: number;
}

export interface EventStream<T> {
  status: number;
  headers: IncomingHttpHeaders;
  events: ReceivedEvent<T>[];
  /** Comment lines (`: …`) received, e.g. heartbeats. */
  comments: string[];
  /** Resolves once an event satisfies `predicate`; rejects after `timeoutMs` with what arrived. */
  until(predicate: (data: T) => boolean, timeoutMs?: number): Promise<ReceivedEvent<T>>;
  close(): void;
}

/**
 * Opens `GET path` as an event stream and parses it as the WHATWG spec frames it (events end with
 * a blank line; `data:` lines joined; `:` lines are comments). Resolves once the headers arrived.
 * `headers` go with the request (an operator stream's bearer, say).
 */
export function openEventStream<T>(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<EventStream<T>> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        headers: { accept: 'text/event-stream', ...headers },
        agent: false,
      },
      (res) => {
        const events: ReceivedEvent<T>[] = [];
        const comments: string[] = [];
        const waiters = new Set<() => void>();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data: string[] = [];
            let id: string | undefined;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
              else if (line.startsWith('id:')) id = line.slice(3).trim();
            }
            if (data.length > 0)
              events.push({ id, data: JSON.parse(data.join('\n')) as T, at: performance.now() });
          }
          waiters.forEach((wake) => wake());
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          comments,
          until: (predicate, timeoutMs = 10_000) =>
            new Promise((found, fail) => {
              const check = () => {
                const event = events.find((e) => predicate(e.data));
                if (!event) return;
                waiters.delete(check);
                clearTimeout(timer);
                found(event);
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(
                  new Error(
                    `no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.data))}`,
                  ),
                );
              }, timeoutMs);
              waiters.add(check);
              check();
            }),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
