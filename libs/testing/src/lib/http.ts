import {
  Agent,
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  request as httpRequest,
} from 'node:http';
import type { Socket } from 'node:net';

export interface RequestSpec {
  method?: string;
  path: string;
  /** Sent as JSON with `content-type: application/json` unless `rawBody` is given. */
  json?: unknown;
  /** Sent byte for byte; set the content type yourself in `headers` (or leave it out on purpose). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface Reply<T = unknown> {
  /** HTTP status, or 0 when no complete answer arrived (see `error`). */
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: T;
  error?: string;
}

function encode(spec: RequestSpec): { body?: Buffer; headers: Record<string, string | number> } {
  const headers: Record<string, string | number> = {};
  let body: Buffer | undefined;
  if (spec.rawBody !== undefined) {
    body = Buffer.isBuffer(spec.rawBody) ? spec.rawBody : Buffer.from(spec.rawBody, 'utf8');
  } else if (spec.json !== undefined) {
    body = Buffer.from(JSON.stringify(spec.json), 'utf8');
    headers['content-type'] = 'application/json';
  }
  if (body !== undefined) headers['content-length'] = body.length;
  return { body, headers: { ...headers, ...spec.headers } };
}

function parse<T>(text: string): T {
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    return undefined as T;
  }
}

/** One request as sent and the answer it got, as a reply observer sees it. */
export interface Exchange {
  baseUrl: string;
  /** Upper case, as sent. */
  method: string;
  spec: RequestSpec;
  reply: Reply;
}

export type ReplyObserver = (exchange: Exchange) => void;

const replyObservers = new Set<ReplyObserver>();

/**
 * Calls `observer` with every answer any helper here receives (status 0 included), e.g. to hold
 * each against the OpenAPI document. Returns the function that stops it.
 */
export function observeReplies(observer: ReplyObserver): () => void {
  replyObservers.add(observer);
  return () => replyObservers.delete(observer);
}

function notifyObservers(exchange: Exchange): void {
  for (const observer of replyObservers) observer(exchange);
}

export interface InFlight<T> {
  req: ClientRequest;
  /** Settles with the answer (or status 0 and the error); never rejects. */
  reply: Promise<Reply<T>>;
}

/**
 * Opens a request and writes its headers plus the first `sendBytes` bytes of its body (all of it by
 * default). The caller ends a partial request with `req.end(rest)`.
 */
export function open<T = unknown>(
  baseUrl: string,
  spec: RequestSpec,
  agent: Agent | false = false,
  sendBytes?: number,
): InFlight<T> & { rest: Buffer } {
  const { body, headers } = encode(spec);
  const url = new URL(spec.path, baseUrl);
  const method = spec.method ?? (body === undefined ? 'GET' : 'POST');
  const req = httpRequest({
    host: url.hostname,
    port: url.port,
    // The raw path, so malformed escapes such as %FF reach the server untouched.
    path: spec.path,
    method,
    headers,
    agent,
  });
  const reply = new Promise<Reply<T>>((settle) => {
    let settled = false;
    // Observers see the first outcome only, as the promise does (an error may follow the answer).
    const resolveReply = (answer: Reply<T>) => {
      if (settled) return;
      settled = true;
      notifyObservers({ baseUrl, method: method.toUpperCase(), spec, reply: answer });
      settle(answer);
    };
    const fail = (error: Error) =>
      resolveReply({ status: 0, headers: {}, text: '', body: undefined as T, error: error.message });
    req.on('error', fail);
    req.setTimeout(spec.timeoutMs ?? 30_000, () => req.destroy(new Error('client timeout')));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolveReply({ status: res.statusCode ?? 0, headers: res.headers, text, body: parse<T>(text) });
      });
    });
  });
  const whole = body ?? Buffer.alloc(0);
  const first = sendBytes === undefined ? whole.length : Math.min(sendBytes, whole.length);
  if (first === whole.length) {
    req.end(whole);
  } else {
    req.write(whole.subarray(0, first));
  }
  return { req, reply, rest: whole.subarray(first) };
}

/** One request on its own connection; never rejects (a transport failure is status 0). */
export function send<T = unknown>(
  baseUrl: string,
  spec: RequestSpec,
  agent: Agent | false = false,
): Promise<Reply<T>> {
  return open<T>(baseUrl, spec, agent).reply;
}

export interface Volley<T> {
  replies: Reply<T>[];
  /** How many distinct TCP connections carried the requests. */
  sockets: number;
}

/**
 * Fires every request before awaiting any: all are handed to one keep-alive agent at once, which
 * spreads them over up to `maxSockets` connections. Replies come back in request order;
 * `onReply`, when given, sees each one as it arrives with the number answered so far.
 */
export async function fireConcurrently<T = unknown>(
  baseUrl: string,
  specs: RequestSpec[],
  maxSockets = 256,
  onReply?: (reply: Reply<T>, answered: number) => void,
): Promise<Volley<T>> {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const sockets = new Set<Socket>();
  let answered = 0;
  try {
    const inFlight = specs.map((spec) => {
      const { req, reply } = open<T>(baseUrl, spec, agent);
      req.once('socket', (socket: Socket) => sockets.add(socket));
      // Called as each reply settles (in arrival order), e.g. to crash a server mid-volley.
      return onReply ? reply.then((r) => (onReply(r, ++answered), r)) : reply;
    });
    const replies = await Promise.all(inFlight);
    return { replies, sockets: sockets.size };
  } finally {
    agent.destroy();
  }
}

/** `n` requests made by `make(i)`, fired together. */
export function volley<T = unknown>(
  baseUrl: string,
  n: number,
  make: (i: number) => RequestSpec,
  maxSockets = 256,
  onReply?: (reply: Reply<T>, answered: number) => void,
): Promise<Volley<T>> {
  return fireConcurrently<T>(
    baseUrl,
    Array.from({ length: n }, (_, i) => make(i)),
    maxSockets,
    onReply,
  );
}

/** Counts of each value, e.g. statuses or codes, for readable assertion failures. */
export function tally(values: readonly (string | number | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}
