import { ApiRoutes, QUEUE_TICKET_HEADER, QueueTicket } from '@gtd/shared-contracts';
import { fireConcurrently, Reply, RunningApi } from '@gtd/testing';

/** Joining a waiting room through two servers at once, and asking each ticket's place. */

/** Pearson correlation of two equally long series. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mean = (vs: readonly number[]) => vs.reduce((a, b) => a + b, 0) / vs.length;
  const [mx, my] = [mean(xs), mean(ys)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** One ticket and the server it was joined through. */
export interface Joined {
  ticket: string;
  via: number;
  preQueue: boolean;
}

/** `count` joins at once, alternating between the servers: join i goes to server i % 2. */
export async function joinThroughBoth(
  servers: readonly RunningApi[],
  productId: number,
  count: number,
): Promise<Reply<QueueTicket>[]> {
  const spec = { method: 'POST', path: ApiRoutes.queue(productId), json: {} };
  const shares = await Promise.all(
    [0, 1].map((via) =>
      fireConcurrently<QueueTicket>(
        servers[via].baseUrl,
        Array.from({ length: Math.ceil((count - via) / 2) }, () => spec),
        64,
      ),
    ),
  );
  return Array.from({ length: count }, (_, i) => shares[i % 2].replies[Math.floor(i / 2)]);
}

/** Each ticket's place, asked at the server it was not joined through (or, `same`, at that one). */
export async function positionsOf(
  servers: readonly RunningApi[],
  productId: number,
  joined: readonly Joined[],
  same = false,
): Promise<Reply<QueueTicket>[]> {
  const askAt = (j: Joined) => (same ? j.via : 1 - j.via);
  const shares = await Promise.all(
    [0, 1].map((at) =>
      fireConcurrently<QueueTicket>(
        servers[at].baseUrl,
        joined
          .filter((j) => askAt(j) === at)
          .map((j) => ({
            path: ApiRoutes.queuePosition(productId),
            headers: { [QUEUE_TICKET_HEADER]: j.ticket },
          })),
        64,
      ),
    ),
  );
  const next = [0, 0];
  return joined.map((j) => shares[askAt(j)].replies[next[askAt(j)]++]);
}
