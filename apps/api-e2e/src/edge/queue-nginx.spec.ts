import { ApiRoutes, QUEUE_STATES, QueueState, QueueTicket } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  cleanup,
  describeWithNginx,
  HTTP_ADAPTERS,
  send,
  tally,
  useEdge,
  useServer,
} from '@gtd/testing';
import {
  cacheControlSeconds,
  firstPollWhere,
  pollCrowd,
  pollOnce,
  routeRequests,
} from '../support/queue-edge';

/**
 * The waiting room's promise: "the status is one cacheable answer per drop, so an edge can answer
 * the whole crowd". Here a real shared cache (nginx, configured only to honour the origin's
 * `Cache-Control`) stands between the crowd and the built API, and the origin's own `/metrics`
 * count what reached it.
 */
const TOKEN = 'e2e-operator-token-0123456789';
const PRODUCT = 1;
const STOCK = 100;
/** 200 visitors × 100 polls, each visitor with one poll in flight: 200 in flight at most. */
const VISITORS = 200;
const POLLS_EACH = 100;
/** Between a visitor's answer and its next poll, so the 20,000 polls span seconds, not one burst. */
const POLL_GAP_MS = 40;
/** Joins during the crowd, so the queue moves (joined, admitted) while the edge serves it. */
const JOIN_EVERY_MS = 250;
/** The crowd must cost the origin no more than this many status requests a second. */
const MAX_ORIGIN_STATUS_PER_SECOND = 5;
/** The origin reuses one computed status this long (STATUS_REUSE_MS of libs/api/queue). */
const ORIGIN_REUSE_MS = 250;
/** nginx keeps expiry times in whole seconds: an entry fresh for `s-maxage=1` may live up to 2 s. */
const EDGE_CLOCK_S = 1;
const STATUS_ROUTE = '/products/:id/queue';

const admin = (baseUrl: string, method: string, path: string, json?: unknown) =>
  send(baseUrl, { method, path, json, headers: { authorization: `Bearer ${TOKEN}` } });

describeWithNginx().each(HTTP_ADAPTERS)(
  'the waiting room behind a caching edge (nginx) on %s',
  (httpAdapter) => {
    afterAll(cleanup);
    const origin = useServer(catalogWithStocks(STOCK), {
      HTTP_ADAPTER: httpAdapter,
      ADMIN_TOKEN: TOKEN,
      // Every join comes from 127.0.0.1 here.
      QUEUE_JOIN_RATE_LIMIT: '0',
    });
    const edge = useEdge(origin);

    beforeAll(async () => {
      const put = await admin(origin.baseUrl, 'PUT', ApiRoutes.admin.queue(PRODUCT), { enabled: true });
      expect(put.status).toBe(200);
    });

    /** Status requests the origin has answered so far, whatever their status. */
    const originStatusRequests = async () =>
      routeRequests((await send(origin.baseUrl, { path: ApiRoutes.metrics })).text, 'GET', STATUS_ROUTE);

    /** How long the edge may show an old status: from the origin's own header, plus both reuses. */
    async function stalenessBoundMs(): Promise<number> {
      const header = (await send(origin.baseUrl, { path: ApiRoutes.queue(PRODUCT) })).headers[
        'cache-control'
      ];
      const sMaxAge = cacheControlSeconds(header, 's-maxage');
      const swr = cacheControlSeconds(header, 'stale-while-revalidate');
      expect({ sMaxAge, swr }).toEqual({ sMaxAge: expect.any(Number), swr: expect.any(Number) });
      return ((sMaxAge ?? 0) + (swr ?? 0) + EDGE_CLOCK_S) * 1000 + ORIGIN_REUSE_MS;
    }

    it('answers 20,000 polls of a moving queue with at most a few status requests a second at the origin', async () => {
      const before = await originStatusRequests();
      let crowdDone = false;
      const tickets: string[] = [];
      const joining = (async () => {
        while (!crowdDone) {
          const join = await send<QueueTicket>(edge.baseUrl, {
            method: 'POST',
            path: ApiRoutes.queue(PRODUCT),
            json: {},
          });
          expect(join.status).toBe(201);
          tickets.push(join.body.ticket);
          await new Promise((done) => setTimeout(done, JOIN_EVERY_MS));
        }
      })();
      const startedMs = Date.now();
      const polls = await pollCrowd({
        baseUrl: edge.baseUrl,
        productId: PRODUCT,
        visitors: VISITORS,
        pollsEach: POLLS_EACH,
        gapMs: POLL_GAP_MS,
        revalidate: true,
      }).finally(() => (crowdDone = true));
      const seconds = (Date.now() - startedMs) / 1000;
      await joining;
      const reachedOrigin = (await originStatusRequests()) - before;

      expect(polls).toHaveLength(VISITORS * POLLS_EACH);
      expect(polls.filter((p) => p.status !== 200 && p.status !== 304)).toEqual([]);
      const bodies = polls.flatMap((p) => (p.body ? [p.body] : []));
      expect(bodies.filter((b) => b.productId !== PRODUCT || !QUEUE_STATES.includes(b.state))).toEqual([]);
      // Private answers are never shared: every join through the edge got a ticket of its own.
      expect(new Set(tickets).size).toBe(tickets.length);
      // The edge followed the queue as it moved instead of serving one frozen copy.
      expect(new Set(bodies.map((b) => b.joined)).size).toBeGreaterThan(1);

      const perSecond = reachedOrigin / seconds;
      const figures = {
        polls: polls.length,
        seconds: Number(seconds.toFixed(2)),
        reachedOrigin,
        perSecond: Number(perSecond.toFixed(2)),
        byEdgeCache: tally(polls.map((p) => p.cache)),
        byStatus: tally(polls.map((p) => p.status)),
      };
      expect(reachedOrigin).toBeGreaterThan(0);
      expect({ ...figures, withinBudget: perSecond <= MAX_ORIGIN_STATUS_PER_SECOND }).toEqual({
        ...figures,
        withinBudget: true,
      });

      // Once the joins stop, the edge catches up with the origin within its staleness bound.
      const caughtUp = await firstPollWhere(
        edge.baseUrl,
        PRODUCT,
        (status) => status.joined === tickets.length,
        50,
        await stalenessBoundMs(),
      );
      expect(caughtUp?.body?.joined).toBe(tickets.length);
    });

    /** Sends the operator's change, then watches a crowd-loaded edge until its status says `state`. */
    async function msUntilTheEdgeShows(change: 'pause' | 'resume', state: QueueState): Promise<number> {
      expect((await pollOnce(edge.baseUrl, PRODUCT)).body?.state).not.toBe(state);
      let watching = true;
      const crowd = pollCrowd({
        baseUrl: edge.baseUrl,
        productId: PRODUCT,
        visitors: 50,
        pollsEach: Infinity,
        gapMs: POLL_GAP_MS,
        until: () => !watching,
      });
      try {
        // From before the change is sent: what is measured can only exceed the staleness.
        const sentMs = Date.now();
        const changed = await admin(origin.baseUrl, 'POST', `${ApiRoutes.admin.queue(PRODUCT)}/${change}`);
        expect(changed.status).toBe(200);
        const bound = await stalenessBoundMs();
        const seen = await firstPollWhere(edge.baseUrl, PRODUCT, (s) => s.state === state, 50, bound + 5_000);
        expect(seen).toBeDefined();
        return (seen?.atMs ?? Infinity) - sentMs;
      } finally {
        watching = false;
        const polls = await crowd;
        expect(polls.filter((p) => p.status !== 200 && p.status !== 304)).toEqual([]);
      }
    }

    it('shows a pause, and the resume, within s-maxage + stale-while-revalidate', async () => {
      const bound = await stalenessBoundMs();
      const paused = await msUntilTheEdgeShows('pause', 'paused');
      const resumed = await msUntilTheEdgeShows('resume', 'admitting');
      expect({
        paused: paused <= bound,
        resumed: resumed <= bound,
        bound,
        pausedMs: paused,
        resumedMs: resumed,
      }).toEqual({ paused: true, resumed: true, bound, pausedMs: paused, resumedMs: resumed });
      expect(edge.errorLog()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
    });
  },
);
