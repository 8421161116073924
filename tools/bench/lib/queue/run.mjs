// One run of the queue scenario: a fresh origin (the production build) behind a fresh nginx edge,
// a drop of `stock` units behind a waiting room in automatic admission, and `visitors` simulated
// visitors who join during the pre-queue, wait, and at the opening fetch their position once, claim
// a pass when admitted and buy one unit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, startServer } from '../servers.mjs';
import testing from '../testing.mjs';
import { between, createMeter, peakSecond } from './origin-meter.mjs';
import { createCrowd } from './visitors.mjs';

const { startEdge } = testing;

const PRODUCT = 1;
const ADMIN_TOKEN = 'bench-queue-operator-token-0123456789';

/**
 * @typedef {object} QueueRunSpec
 * @property {number} visitors
 * @property {number} stock
 * @property {number} connections  the crowd's pool to the edge for joins, positions, passes, buys
 * @property {number} statusConnections  its pool for the status polls
 * @property {number} joinSeconds  joins spread over this
 * @property {number} waitSeconds  everyone joined, nobody admitted yet: the pure wait
 * @property {number} openTimeoutSeconds  the opening may take this long to sell out
 * @property {number} tailSeconds  after the sell-out, how long visitors get to see "sold out"
 * @property {string} store
 * @property {number} [pollIntervalMs]  POLL_INTERVAL_MS of the origin (its `pollAfterMs`)
 * @property {number} [passLifetimeSeconds]  the queue's setting (default the API's, 300)
 * @property {string} root
 * @property {string} serverMain
 * @property {string} workDir
 * @property {(text: string) => void} log
 */

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * @param {string} url @param {string} method @param {unknown} [json]
 * @returns {Promise<any>}
 */
async function operator(url, method, json) {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * @param {() => boolean} done @param {number} timeoutMs
 * @returns {Promise<boolean>} false at the deadline
 */
async function until(done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** @param {QueueRunSpec} spec */
export async function runQueue(spec) {
  const { log } = spec;
  const dir = join(spec.workDir, `queue-${spec.visitors}`);
  mkdirSync(join(dir, 'web-root'), { recursive: true });
  const catalogPath = join(dir, 'catalog.json');
  // Far in the future: the operator opens the drop once the crowd has joined and waited.
  const catalog = [
    {
      id: PRODUCT,
      name: 'Golden Ticket',
      description: 'Bench: a queued drop',
      price: 5000,
      currency: 'EUR',
      stock: spec.stock,
      startsAt: '2099-01-01T00:00:00.000Z',
    },
  ];
  writeFileSync(catalogPath, JSON.stringify(catalog));
  /** @type {Record<string, string>} */
  const env = {
    STORE: spec.store,
    SQLITE_PATH: join(dir, 'drop.sqlite'),
    CATALOG: catalogPath,
    WEB_ROOT: join(dir, 'web-root'),
    ADMIN_TOKEN,
    NODE_ENV: 'production',
    // The crowd comes from one address.
    QUEUE_JOIN_RATE_LIMIT: '0',
    BUY_RATE_LIMIT: '0',
    ...(spec.pollIntervalMs ? { POLL_INTERVAL_MS: String(spec.pollIntervalMs) } : {}),
  };
  log(`• queue ${spec.visitors.toLocaleString('en-US')} visitors: starting the origin and the edge`);
  const origin = await startServer({
    label: `queue-${spec.visitors}`,
    script: spec.serverMain,
    cwd: spec.root,
    env,
  });
  const edge = await startEdge({ originUrl: origin.url, label: 'bench-edge' });
  const meter = createMeter({ originUrl: origin.url, originPid: origin.pid, edgePid: edge.pid });
  const crowd = createCrowd({
    edgeUrl: edge.baseUrl,
    productId: PRODUCT,
    visitors: spec.visitors,
    connections: spec.connections,
    statusConnections: spec.statusConnections,
    joinMs: spec.joinSeconds * 1000,
    pollJitter: 0.2,
  });
  try {
    await operator(`${origin.url}/admin/products/${PRODUCT}/queue`, 'PUT', {
      enabled: true,
      order: 'random',
      ...(spec.passLifetimeSeconds ? { passLifetimeSeconds: spec.passLifetimeSeconds } : {}),
    });
    const started = await meter.read();
    meter.start();
    crowd.start();
    await crowd.allJoined;
    const joined = await meter.read();
    log(`  joined in ${((joined.atMs - started.atMs) / 1000).toFixed(1)} s; waiting ${spec.waitSeconds} s`);
    await sleep(spec.waitSeconds * 1000);
    const opening = await meter.read();
    await operator(`${origin.url}/admin/products/${PRODUCT}`, 'PATCH', { startsAt: null });
    log(`  opened at ${new Date().toISOString()}`);
    const soldOut = await until(
      () => crowd.counters.sold >= spec.stock || crowd.settledCount() === spec.visitors,
      spec.openTimeoutSeconds * 1000,
    );
    const lastSale = await meter.read();
    log(
      `  ${soldOut ? 'sold out' : 'not sold out'}: ${crowd.counters.sold} sold; waiting for every visitor to see it`,
    );
    const everyoneTold = await until(() => crowd.settledCount() === spec.visitors, spec.tailSeconds * 1000);
    const end = await meter.read();
    meter.stop();
    const stillWaiting = spec.visitors - crowd.settledCount();
    await crowd.stop();
    const inventory = await (await fetch(`${origin.url}/products/${PRODUCT}/inventory`)).json();

    const { counters, visitors } = crowd;
    const lagsMs = visitors
      .filter((v) => v.outcome === 'sold_out' && v.soldOutSeenMs !== undefined)
      .map((v) => /** @type {number} */ (v.soldOutSeenMs) - counters.lastSaleMs);
    /** @type {Record<string, number>} */
    const outcomes = {};
    for (const v of visitors) outcomes[v.outcome ?? 'none'] = (outcomes[v.outcome ?? 'none'] ?? 0) + 1;
    const passAfterOpeningMs = visitors.flatMap((v) => (v.passMs ? [v.passMs - opening.atMs] : []));
    const errors = [...new Set(visitors.flatMap((v) => (v.error ? [v.error] : [])))].slice(0, 5);
    const soldByOrigin = spec.stock - inventory.available;
    return {
      visitors: spec.visitors,
      stock: spec.stock,
      store: spec.store,
      connections: spec.connections,
      statusConnections: spec.statusConnections,
      pollAfterMs: spec.pollIntervalMs ?? 1000,
      phases: {
        join: between(started, joined),
        wait: between(joined, opening),
        opening: between(opening, lastSale),
        afterSellOut: between(lastSale, end),
      },
      openingPeakSecond: peakSecond(meter.readings, opening.atMs, lastSale.atMs),
      openingToLastSaleS: counters.lastSaleMs
        ? Math.round((counters.lastSaleMs - opening.atMs) / 100) / 10
        : undefined,
      soldOut,
      everyoneTold,
      stillWaiting,
      passesAfterOpeningMs: {
        passes: passAfterOpeningMs.length,
        p50: quantile(passAfterOpeningMs, 0.5),
        max: passAfterOpeningMs.length ? Math.max(...passAfterOpeningMs) : undefined,
      },
      buyAttempts: counters.requests.buy,
      buyAttemptsPerUnitSold: counters.sold
        ? Math.round((counters.requests.buy / counters.sold) * 1000) / 1000
        : undefined,
      soldOutSeenAfterLastSaleMs: {
        visitors: lagsMs.length,
        p50: quantile(lagsMs, 0.5),
        p99: quantile(lagsMs, 0.99),
        max: lagsMs.length ? Math.max(...lagsMs) : undefined,
      },
      stockCheck: {
        stock: spec.stock,
        availableAfter: inventory.available,
        soldByOrigin,
        answered201: counters.sold,
        pass: soldByOrigin === counters.sold && counters.sold <= spec.stock,
      },
      crowdRequests: counters.requests,
      statusLatencyMsMean: counters.requests.status
        ? Math.round(counters.statusLatencyMsSum / counters.requests.status)
        : undefined,
      edgeCache: counters.edgeCache,
      answers: counters.statuses,
      outcomes,
      errors,
      edgeErrors: edge
        .errorLog()
        .split('\n')
        .filter((l) => /\[(error|crit|alert|emerg)\]/.test(l))
        .slice(0, 5),
    };
  } finally {
    meter.stop();
    await crowd.stop();
    await edge.stop();
    await origin.stop();
  }
}
