import { Agent } from 'node:http';
import { ApiRoutes, QueueStatus } from '@gtd/shared-contracts';
import { Reply, send } from '@gtd/testing';

/** What one visitor's poll of the queue status got, through the edge. */
export interface Poll {
  status: number;
  /** nginx's `$upstream_cache_status` (HIT, STALE, UPDATING, MISS, EXPIRED, REVALIDATED). */
  cache: string;
  etag?: string;
  /** The body of a 200 (a 304 has none). */
  body?: QueueStatus;
  /** When the answer arrived (`Date.now()`). */
  atMs: number;
}

export interface CrowdSpec {
  baseUrl: string;
  productId: number;
  visitors: number;
  /** Polls per visitor; `Infinity` with `until`. */
  pollsEach: number;
  /** Pause between one visitor's answer and its next poll. */
  gapMs: number;
  /** Checked before every poll: true ends the visitor. */
  until?: () => boolean;
  /** Revalidate with the ETag last received, as a browser does under `max-age=0`. */
  revalidate?: boolean;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function pollOf(reply: Reply<QueueStatus>): Poll {
  const etag = reply.headers['etag'];
  return {
    status: reply.status,
    cache: String(reply.headers['x-cache-status'] ?? 'none'),
    etag: typeof etag === 'string' ? etag : undefined,
    body: reply.status === 200 ? reply.body : undefined,
    atMs: Date.now(),
  };
}

/**
 * A crowd polling the status: `visitors` loops, each with at most one poll in flight, on one
 * keep-alive agent with a connection per visitor, so `visitors` bounds the requests in flight.
 */
export async function pollCrowd(spec: CrowdSpec): Promise<Poll[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.visitors, maxFreeSockets: spec.visitors });
  const polls: Poll[] = [];
  const visitor = async () => {
    let etag: string | undefined;
    for (let i = 0; i < spec.pollsEach && !spec.until?.(); i++) {
      const headers: Record<string, string> = spec.revalidate && etag ? { 'if-none-match': etag } : {};
      const poll = pollOf(
        await send<QueueStatus>(spec.baseUrl, { path: ApiRoutes.queue(spec.productId), headers }, agent),
      );
      polls.push(poll);
      if (poll.status === 200) etag = poll.etag;
      await sleep(spec.gapMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.visitors }, visitor));
  } finally {
    agent.destroy();
  }
  return polls;
}

/** One poll of the status, on a connection of its own. */
export const pollOnce = async (baseUrl: string, productId: number): Promise<Poll> =>
  pollOf(await send<QueueStatus>(baseUrl, { path: ApiRoutes.queue(productId) }));

/**
 * Polls every `everyMs` until an answer satisfies `seen`, for at most `timeoutMs`; resolves with
 * that poll, or undefined at the deadline.
 */
export async function firstPollWhere(
  baseUrl: string,
  productId: number,
  seen: (status: QueueStatus) => boolean,
  everyMs: number,
  timeoutMs: number,
): Promise<Poll | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const poll = await pollOnce(baseUrl, productId);
    if (poll.body && seen(poll.body)) return poll;
    await sleep(everyMs);
  }
  return undefined;
}

/** Requests the origin answered on one route (every status), from its `/metrics` text. */
export function routeRequests(metrics: string, method: string, route: string): number {
  const prefix = `gtd_http_request_duration_seconds_count{method="${method}",route="${route}",`;
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** A `Cache-Control` directive's seconds (`s-maxage=1` → 1), or undefined when absent. */
export function cacheControlSeconds(header: string | undefined, directive: string): number | undefined {
  const match = new RegExp(`(?:^|,)\\s*${directive}=(\\d+)`).exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}
