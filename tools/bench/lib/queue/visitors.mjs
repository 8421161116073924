// The simulated crowd of the queue scenario: timer-driven visitors, not a socket each. Every
// request goes through undici Pools to the edge with a bounded number of connections; a visitor
// holds at most one request in flight and waits `pollAfterMs` after each status answer, as the
// storefront does, so when the pool is saturated the crowd polls slower instead of piling up.
import { Pool } from 'undici';
import { contracts } from '../testing.mjs';

/**
 * @typedef {object} QueueStatus  the public status (the fields the visitors read)
 * @property {string} state
 * @property {number} admittedThrough
 * @property {number} available
 * @property {number} pollAfterMs
 */

/**
 * @typedef {object} Visitor
 * @property {number} id
 * @property {string} [ticket]
 * @property {number} [number]  the ticket's number among its kind (names its block of the drawn order)
 * @property {boolean} [preQueue]
 * @property {number | null} [position]  undefined: not asked yet; null: asked before the draw
 * @property {string} [etag]
 * @property {QueueStatus} [status]  the last status received (a 304 keeps it)
 * @property {number} [soldOutSeenMs]  first time this visitor was told "sold out" (status or 409)
 * @property {number} [passMs]  when its pass arrived
 * @property {'bought' | 'sold_out' | 'gave_up' | 'error'} [outcome]
 * @property {string} [error]
 */

/**
 * @typedef {object} CrowdCounters
 * @property {Record<string, number>} requests  by kind: join, status, position, pass, buy
 * @property {Record<string, number>} statuses  by `kind status[ code]`
 * @property {Record<string, number>} edgeCache  X-Cache-Status of the status answers
 * @property {number} sold  201s of POST /buy
 * @property {number} lastSaleMs  when the last 201 arrived
 * @property {number} firstSaleMs
 * @property {number} statusLatencyMsSum
 */

/** Pre-queue tickets per block of the drawn order. */
const ORDER_BLOCK_SIZE = contracts.QUEUE_ORDER_BLOCK_SIZE;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {object} spec
 * @param {string} spec.edgeUrl
 * @param {number} spec.productId
 * @param {number} spec.visitors
 * @param {number} spec.statusConnections  connections of the pool the status polls go through
 * @param {number} spec.connections  connections of the pool for the rest (join, position, pass, buy)
 * @param {number} spec.joinMs  joins are spread evenly over this window
 * @param {number} spec.pollJitter  a visitor waits pollAfterMs × (1 + U(0, jitter)) between polls
 */
export function createCrowd(spec) {
  /** @param {number} connections */
  const poolOf = (connections) =>
    new Pool(spec.edgeUrl, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
  // Two pools, so the polls the edge answers never wait behind a join or a position the origin is
  // still computing: each visitor's browser would hold its own connection.
  const statusPool = poolOf(spec.statusConnections);
  const originPool = poolOf(spec.connections);
  const queuePath = `/products/${spec.productId}/queue`;
  /** @type {Visitor[]} */
  const visitors = Array.from({ length: spec.visitors }, (_, id) => ({ id }));
  /** @type {CrowdCounters} */
  const counters = {
    requests: { join: 0, status: 0, position: 0, pass: 0, buy: 0 },
    statuses: {},
    edgeCache: {},
    sold: 0,
    lastSaleMs: 0,
    firstSaleMs: 0,
    statusLatencyMsSum: 0,
  };
  let joined = 0;
  let settled = 0;
  let stopped = false;
  /** @type {() => void} */
  let onJoined = () => undefined;
  const allJoined = new Promise((resolve) => (onJoined = () => resolve(undefined)));
  /** @type {() => void} */
  let onSettled = () => undefined;
  const allSettled = new Promise((resolve) => (onSettled = () => resolve(undefined)));

  /**
   * @param {'join' | 'status' | 'position' | 'pass' | 'buy'} kind
   * @param {import('undici').Dispatcher.RequestOptions} options
   */
  async function call(kind, options) {
    counters.requests[kind]++;
    const response = await (kind === 'status' ? statusPool : originPool).request(options);
    const text = await response.body.text();
    /** @type {any} */
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const key = `${kind} ${response.statusCode}${body?.code ? ` ${body.code}` : ''}`;
    counters.statuses[key] = (counters.statuses[key] ?? 0) + 1;
    return { status: response.statusCode, headers: response.headers, body };
  }

  /** @param {Visitor} visitor @param {Visitor['outcome']} outcome */
  function settle(visitor, outcome) {
    if (visitor.outcome) return;
    visitor.outcome = outcome;
    if (++settled === visitors.length) onSettled();
  }

  /** @param {Visitor} visitor @param {unknown} error */
  function fail(visitor, error) {
    visitor.error = error instanceof Error ? error.message : String(error);
    settle(visitor, 'error');
  }

  /** @param {Visitor} visitor @param {number} [afterMs] */
  function schedulePoll(visitor, afterMs) {
    if (stopped || visitor.outcome) return;
    const pollAfterMs = visitor.status?.pollAfterMs ?? 1000;
    const wait = afterMs ?? pollAfterMs * (1 + Math.random() * spec.pollJitter);
    setTimeout(() => void poll(visitor).catch((error) => fail(visitor, error)), wait);
  }

  /** @param {Visitor} visitor */
  async function join(visitor) {
    try {
      for (let attempt = 1; !stopped && !visitor.ticket; attempt++) {
        const reply = await call('join', {
          method: 'POST',
          path: queuePath,
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        if (reply.status === 201) {
          visitor.ticket = reply.body.ticket;
          visitor.number = reply.body.number;
          visitor.preQueue = reply.body.preQueue;
        } else if (attempt >= 3) throw new Error(`join: ${reply.status} ${reply.body?.code ?? ''}`);
        else await sleep(1000);
      }
    } finally {
      // A failed join counts as done too, so the run does not wait for it.
      if (++joined === visitors.length) onJoined();
    }
    // The first look at the status comes at a random point of the first interval.
    schedulePoll(visitor, Math.random() * 1000);
  }

  /** @param {Visitor} visitor */
  async function poll(visitor) {
    if (stopped || visitor.outcome) return;
    const started = Date.now();
    /** @type {Record<string, string>} */
    const headers = visitor.etag ? { 'if-none-match': visitor.etag } : {};
    const reply = await call('status', { method: 'GET', path: queuePath, headers });
    counters.statusLatencyMsSum += Date.now() - started;
    const cache = String(reply.headers['x-cache-status'] ?? 'none');
    counters.edgeCache[cache] = (counters.edgeCache[cache] ?? 0) + 1;
    if (reply.status === 200) {
      visitor.status = reply.body;
      visitor.etag = typeof reply.headers.etag === 'string' ? reply.headers.etag : undefined;
    } else if (reply.status !== 304) {
      // An edge or origin failure: try again at the next interval, as a browser would.
      schedulePoll(visitor);
      return;
    }
    const status = /** @type {QueueStatus} */ (visitor.status);
    if (status.state === 'sold_out') {
      visitor.soldOutSeenMs ??= Date.now();
      settle(visitor, 'sold_out');
      return;
    }
    if (status.state !== 'admitting') {
      schedulePoll(visitor);
      return;
    }
    if (visitor.position === undefined || visitor.position === null) {
      // As the storefront does: a pre-queue visitor reads its place from the drawn order's block
      // (one cacheable answer per 1,000 tickets), anyone else asks by ticket.
      if (visitor.preQueue && typeof visitor.number === 'number') {
        const block = Math.ceil(visitor.number / ORDER_BLOCK_SIZE);
        const answer = await call('position', { method: 'GET', path: `${queuePath}/order/${block}` });
        if (answer.status !== 200)
          throw new Error(`order block: ${answer.status} ${answer.body?.code ?? ''}`);
        visitor.position = answer.body.positions[visitor.number - answer.body.firstTicket] ?? null;
      } else {
        const position = await call('position', {
          method: 'GET',
          path: `${queuePath}/position`,
          headers: { 'queue-ticket': /** @type {string} */ (visitor.ticket) },
        });
        if (position.status !== 200)
          throw new Error(`position: ${position.status} ${position.body?.code ?? ''}`);
        visitor.position = position.body.position;
      }
    }
    if (
      visitor.position !== null &&
      visitor.position !== undefined &&
      visitor.position <= status.admittedThrough
    ) {
      await claimAndBuy(visitor);
      return;
    }
    schedulePoll(visitor);
  }

  /** @param {Visitor} visitor */
  async function claimAndBuy(visitor) {
    const pass = await call('pass', {
      method: 'POST',
      path: `${queuePath}/pass`,
      headers: { 'queue-ticket': /** @type {string} */ (visitor.ticket) },
    });
    if (pass.status !== 201) {
      // Not yet (the status ran ahead of this instance) or expired: back to waiting.
      if (pass.body?.code === 'QUEUE_NOT_YOUR_TURN') return schedulePoll(visitor);
      const expiry = pass.body?.expiresAt
        ? ` (expired at ${pass.body.expiresAt}, asked at ${new Date().toISOString()})`
        : '';
      throw new Error(`pass: ${pass.status} ${pass.body?.code ?? ''}${expiry}`);
    }
    visitor.passMs = Date.now();
    const buy = await call('buy', {
      method: 'POST',
      path: '/buy',
      headers: { 'content-type': 'application/json', 'queue-pass': pass.body.pass },
      body: JSON.stringify({ productId: spec.productId, quantity: 1 }),
    });
    if (buy.status === 201) {
      const now = Date.now();
      counters.sold++;
      counters.firstSaleMs ||= now;
      counters.lastSaleMs = Math.max(counters.lastSaleMs, now);
      settle(visitor, 'bought');
    } else if (buy.status === 409 && buy.body?.code === 'SOLD_OUT') {
      visitor.soldOutSeenMs ??= Date.now();
      settle(visitor, 'sold_out');
    } else {
      throw new Error(`buy: ${buy.status} ${buy.body?.code ?? ''}`);
    }
  }

  return {
    visitors,
    counters,
    /** Resolves once every visitor holds a ticket. */
    allJoined,
    /** Resolves once every visitor bought, was told "sold out", or failed. */
    allSettled,
    joinedCount: () => joined,
    settledCount: () => settled,
    /** Schedules every join over `joinMs`; they run on the pool as their timers fire. */
    start() {
      for (const visitor of visitors) {
        const at = (visitor.id / visitors.length) * spec.joinMs;
        setTimeout(() => void join(visitor).catch((error) => fail(visitor, error)), at);
      }
    },
    /** Visitors still waiting give up (no more timers), and the pool closes. */
    async stop() {
      stopped = true;
      for (const visitor of visitors) if (!visitor.outcome) settle(visitor, 'gave_up');
      for (const pool of [statusPool, originPool]) await pool.close().catch(() => pool.destroy());
    },
  };
}
