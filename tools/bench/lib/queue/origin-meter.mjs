// What reached the origin, read from its own /metrics (directly, never through the edge), and the
// CPU the origin, the edge and the load generator used: one reading at each phase boundary and one
// a second in between, so a phase's rates are deltas between readings.
import { groupCpuSeconds, pidsCpuSeconds } from '../servers.mjs';
import testing from '../testing.mjs';

const { descendantPids } = testing;

/** The route groups the report names; any other route counts as `other`. */
export const ROUTE_GROUPS = /** @type {const} */ ({
  'GET /products/:id/queue': 'status',
  'POST /products/:id/queue': 'join',
  'GET /products/:id/queue/position': 'position',
  'GET /products/:id/queue/order/:block': 'position',
  'POST /products/:id/queue/pass': 'pass',
  'POST /buy': 'buy',
});

/** @typedef {'status' | 'join' | 'position' | 'pass' | 'buy' | 'other'} RouteGroup */

/**
 * @typedef {object} Reading
 * @property {number} atMs
 * @property {Record<RouteGroup, number>} requests  answered so far, every status
 * @property {number | undefined} originCpuS
 * @property {number} edgeCpuS
 * @property {number} loadCpuS
 */

const COUNT_LINE =
  /^gtd_http_request_duration_seconds_count\{method="([A-Z]+)",route="([^"]*)",status="\d+"\} (\d+)/;

/**
 * Requests by route group in a /metrics text; the scrapes of /metrics itself are left out.
 * @param {string} text
 * @returns {Record<RouteGroup, number>}
 */
export function requestsByGroup(text) {
  /** @type {Record<RouteGroup, number>} */
  const totals = { status: 0, join: 0, position: 0, pass: 0, buy: 0, other: 0 };
  for (const line of text.split('\n')) {
    const match = COUNT_LINE.exec(line);
    if (!match || match[2] === '/metrics') continue;
    const key = /** @type {keyof typeof ROUTE_GROUPS} */ (`${match[1]} ${match[2]}`);
    totals[ROUTE_GROUPS[key] ?? 'other'] += Number(match[3]);
  }
  return totals;
}

/**
 * @param {object} spec
 * @param {string} spec.originUrl
 * @param {number} spec.originPid  its process group
 * @param {number} spec.edgePid  nginx's master
 */
export function createMeter({ originUrl, originPid, edgePid }) {
  /** @type {Reading[]} */
  const readings = [];
  /** @returns {Promise<Reading>} */
  async function read() {
    const response = await fetch(`${originUrl}/metrics`);
    const text = await response.text();
    const usage = process.cpuUsage();
    const reading = {
      atMs: Date.now(),
      requests: requestsByGroup(text),
      originCpuS: groupCpuSeconds(originPid),
      edgeCpuS: pidsCpuSeconds([edgePid, ...descendantPids(edgePid)]),
      loadCpuS: (usage.user + usage.system) / 1e6,
    };
    readings.push(reading);
    return reading;
  }
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return {
    read,
    readings,
    /** A reading a second until `stop()`. */
    start() {
      timer = setInterval(() => void read().catch(() => undefined), 1000);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** @param {number} n */
const round = (n) => Math.round(n * 10) / 10;

/**
 * Rates between two readings: origin requests a second by group, and the CPU each side used (in
 * cores: 1.0 is one core busy the whole time).
 * @param {Reading} from @param {Reading} to
 */
export function between(from, to) {
  const seconds = Math.max(0.001, (to.atMs - from.atMs) / 1000);
  /** @type {Record<string, number>} */
  const originPerSecond = {};
  let total = 0;
  for (const group of /** @type {RouteGroup[]} */ (Object.keys(to.requests))) {
    const delta = to.requests[group] - from.requests[group];
    total += delta;
    originPerSecond[group] = round(delta / seconds);
  }
  originPerSecond.total = round(total / seconds);
  const cores = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) =>
    a === undefined || b === undefined ? undefined : Math.round(((b - a) / seconds) * 100) / 100;
  return {
    seconds: round(seconds),
    originPerSecond,
    originRequests: total,
    cpuCores: {
      origin: cores(from.originCpuS, to.originCpuS),
      edge: cores(from.edgeCpuS, to.edgeCpuS),
      loadGenerator: cores(from.loadCpuS, to.loadCpuS),
    },
  };
}

/**
 * The busiest second between two readings (by origin requests, every route), from the readings a
 * second apart in between.
 * @param {Reading[]} readings @param {number} fromMs @param {number} toMs
 */
export function peakSecond(readings, fromMs, toMs) {
  const inside = readings.filter((r) => r.atMs >= fromMs - 1 && r.atMs <= toMs + 1);
  let peak;
  for (let i = 1; i < inside.length; i++) {
    const window = between(inside[i - 1], inside[i]);
    if (!peak || window.originPerSecond.total > peak.originPerSecond.total) peak = window;
  }
  return peak;
}
