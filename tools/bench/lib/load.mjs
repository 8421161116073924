// One autocannon run: a warm-up on the connections that are then measured, and an end that loses
// nothing.
//
// - Warm-up on the same connections: opening a few hundred connections at once makes the first
//   answer on some of them wait for seconds (the connect burst) on every server, even the bare one.
//   That is worth knowing but it is not the steady state of a rush, so the measurement starts once
//   the connections are open and busy; the worst first answer is reported on its own.
// - A clean end: autocannon stops a timed run by destroying its sockets, so requests in flight at
//   that moment reach the server (and may buy) but are never counted, and the oversell check would
//   see more stock gone than 201s. Here, when the time is up, every connection gets its in-flight
//   answer and then closes: each request sent is also counted.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {any} */
const autocannon = require('autocannon');

/** How often a revalidating row re-reads the current ETag (a few requests a second beside thousands). */
const ETAG_REFRESH_MS = 250;

/** How long connections may take to bring back their last answer (past autocannon's timeout). */
const DRAIN_GRACE_S = 15;
const REQUEST_TIMEOUT_S = 10;

/**
 * @typedef {object} LoadResult
 * @property {number} seconds        measured window: from the end of the warm-up to the last answer
 * @property {number} responses      answers received in the measured window
 * @property {number} requestsPerSecond  responses / seconds
 * @property {Record<string, number>} statuses  count per HTTP status, measured window
 * @property {Record<string, number>} statusesAll  count per HTTP status, warm-up included
 * @property {number} errors         connection errors and timeouts in the measured window
 * @property {number} timeouts
 * @property {{ p50: number, p90: number, p99: number, p999: number, max: number, mean: number }} latencyMs
 *   of the requests sent in the measured window
 * @property {{ responses: number, maxMs: number, over1s: number }} warmup  the warm-up, connect burst included
 * @property {{ count: number, sentFromS: number | undefined, sentToS: number | undefined }} over1s
 *   measured answers that took over 1 s, and when (seconds into the window) the first and last were sent
 * @property {number} loadCpuSeconds CPU the load generator (this process) used in the measured window
 * @property {boolean} drained       every connection got its last answer before the grace ran out
 * @property {unknown} sampleAtStart what `sample` returned when the measured window opened
 * @property {unknown} sampleAtEnd   what `sample` returned after the last answer
 * @property {{ responses: number, statuses: Record<string, number>, errors: number } | undefined} background
 *   the scenario's background load over the whole row, warm-up included
 * @property {number} etagChanges    for a `revalidate` scenario: how often the ETag changed during the row
 */

/**
 * The ETag `GET path` answers now, or undefined when it sends none.
 * @param {string} url @param {string} path
 */
export async function currentEtag(url, path) {
  const response = await fetch(url + path, { signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return response.headers.get('etag') ?? undefined;
}

/** Latencies in a growing typed array: a row can hold a few hundred thousand. */
class Samples {
  constructor() {
    this.values = new Float64Array(1 << 16);
    this.length = 0;
  }

  /** @param {number} value */
  push(value) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }

  summary() {
    const sorted = this.values.slice(0, this.length).sort();
    const at = (/** @type {number} */ q) =>
      sorted.length === 0
        ? 0
        : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)], 1);
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      max: sorted.length === 0 ? 0 : round(sorted[sorted.length - 1], 1),
      mean: sorted.length === 0 ? 0 : round(sum / sorted.length, 2),
    };
  }
}

/**
 * @param {object} spec
 * @param {string} spec.url
 * @param {import('./options.mjs').Scenario} spec.scenario
 * @param {number} spec.connections
 * @param {number} spec.warmup   seconds before the measured window, on the same connections
 * @param {number} spec.seconds  length of the measured window
 * @param {() => unknown} [spec.sample]  called when the window opens and after the last answer
 * @returns {Promise<LoadResult>}
 */
export async function runLoad({ url, scenario, connections, warmup, seconds, sample = () => undefined }) {
  const background = scenario.background
    ? startBackground(url, scenario.background, warmup + seconds)
    : undefined;
  try {
    const result = await measure({ url, scenario, connections, warmup, seconds, sample });
    return { ...result, background: background ? await background.stop() : undefined };
  } catch (error) {
    await background?.stop();
    throw error;
  }
}

/**
 * Keeps the background crowd busy until `stop`, which ends it and resolves with what it was answered.
 * @param {string} url @param {import('./options.mjs').Background} spec @param {number} seconds
 */
function startBackground(url, spec, seconds) {
  /** @type {Record<string, number>} */
  const statuses = {};
  let errors = 0;
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  /** @type {Promise<void>} */
  let finished = Promise.resolve();
  const instance = autocannon(
    {
      url: url + spec.path,
      method: spec.method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body,
      connections: spec.connections,
      duration: seconds + DRAIN_GRACE_S,
      timeout: REQUEST_TIMEOUT_S,
    },
    () => undefined,
  );
  finished = new Promise((resolveDone) => instance.on('done', () => resolveDone()));
  instance.on('response', (/** @type {unknown} */ _client, /** @type {number} */ status) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  instance.on('reqError', () => errors++);
  return {
    stop: async () => {
      instance.stop();
      await finished;
      const responses = Object.values(statuses).reduce((sum, n) => sum + n, 0);
      return { responses, statuses, errors };
    },
  };
}

/**
 * Keeps every connection's `If-None-Match` on the current ETag: read once before the row, then
 * re-read every ETAG_REFRESH_MS; a change goes to every client (its next request carries it).
 * @param {string} url @param {string} path @param {any[]} clients autocannon clients, filled as they open
 */
async function revalidator(url, path, clients) {
  let etag = await currentEtag(url, path);
  if (etag === undefined) throw new Error(`GET ${path} sent no ETag: nothing to revalidate`);
  let changes = 0;
  let reading = false;
  const headers = () => ({ 'if-none-match': /** @type {string} */ (etag) });
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    currentEtag(url, path)
      .then((now) => {
        if (now === undefined || now === etag) return;
        etag = now;
        changes++;
        for (const client of clients) client.setHeaders(headers());
      })
      .catch(() => undefined)
      .finally(() => {
        reading = false;
      });
  }, ETAG_REFRESH_MS);
  return { headers, changes: () => changes, stop: () => clearInterval(timer) };
}

/** @param {Parameters<typeof runLoad>[0]} spec @returns {Promise<Omit<LoadResult, 'background'>>} */
async function measure({ url, scenario, connections, warmup, seconds, sample = () => undefined }) {
  /** @type {any[]} */
  const clients = [];
  const revalidation = scenario.revalidate ? await revalidator(url, scenario.path, clients) : undefined;
  return new Promise((resolve, reject) => {
    let done = 0;
    let lastDone = 0;
    const started = performance.now();
    const measureFrom = started + warmup * 1000;
    let measuring = warmup === 0;
    let cpuAtStart = process.cpuUsage();
    let sampleAtStart = measuring ? sample() : undefined;
    const latencies = new Samples();
    /** @type {Record<string, number>} */
    const statuses = {};
    const warm = { responses: 0, maxMs: 0, over1s: 0 };
    const over1s = {
      count: 0,
      sentFromS: /** @type {number | undefined} */ (undefined),
      sentToS: /** @type {number | undefined} */ (undefined),
    };
    let errors = 0;
    let timeouts = 0;

    const body = scenario.body === undefined ? undefined : JSON.stringify(scenario.body);
    const instance = autocannon(
      {
        url: url + scenario.path,
        method: scenario.method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(revalidation ? revalidation.headers() : {}),
        },
        body,
        connections,
        pipelining: 1,
        // autocannon's own stop is only a safety net; the drain below normally ends the run.
        duration: warmup + seconds + DRAIN_GRACE_S,
        timeout: REQUEST_TIMEOUT_S,
        // The run ends at the first sample tick after the last connection closed.
        sampleInt: 100,
        setupClient: (/** @type {any} */ client) => {
          clients.push(client);
          client.on('done', () => {
            done++;
            lastDone = performance.now();
          });
        },
      },
      (/** @type {Error | null} */ error, /** @type {any} */ result) => {
        clearTimeout(openTimer);
        clearTimeout(drainTimer);
        revalidation?.stop();
        if (error) {
          reject(error);
          return;
        }
        const drained = done >= connections;
        const end = drained ? lastDone : performance.now();
        const cpu = process.cpuUsage(cpuAtStart);
        const sampleAtEnd = sample();
        const elapsed = (end - Math.max(measureFrom, started)) / 1000;
        /** @type {Record<string, number>} */
        const statusesAll = {};
        for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
          statusesAll[status] = /** @type {{ count: number }} */ (stats).count;
        }
        const responses = Object.values(statuses).reduce((sum, n) => sum + n, 0);
        resolve({
          seconds: round(elapsed, 3),
          responses,
          requestsPerSecond: round(responses / elapsed, 1),
          statuses,
          statusesAll,
          errors,
          timeouts,
          latencyMs: latencies.summary(),
          warmup: { ...warm, maxMs: round(warm.maxMs, 1) },
          over1s,
          loadCpuSeconds: round((cpu.user + cpu.system) / 1e6, 3),
          drained,
          sampleAtStart,
          sampleAtEnd,
          etagChanges: revalidation?.changes() ?? 0,
        });
      },
    );
    instance.on('error', (/** @type {Error} */ error) => {
      revalidation?.stop();
      reject(error);
    });

    // Throughput counts answers by when they arrive; latency by when the request was sent, so a
    // request of the warm-up answered late does not land in the measured latencies.
    instance.on(
      'response',
      (
        /** @type {unknown} */ _client,
        /** @type {number} */ status,
        /** @type {number} */ _bytes,
        /** @type {number} */ responseTime,
      ) => {
        const now = performance.now();
        if (measuring) statuses[status] = (statuses[status] ?? 0) + 1;
        const sentAt = now - responseTime;
        if (sentAt < measureFrom) {
          warm.responses++;
          if (responseTime > warm.maxMs) warm.maxMs = responseTime;
          if (responseTime > 1000) warm.over1s++;
          return;
        }
        latencies.push(responseTime);
        if (responseTime > 1000) {
          const offset = round((sentAt - measureFrom) / 1000, 2);
          over1s.count++;
          if (over1s.sentFromS === undefined || offset < over1s.sentFromS) over1s.sentFromS = offset;
          if (over1s.sentToS === undefined || offset > over1s.sentToS) over1s.sentToS = offset;
        }
      },
    );
    instance.on('reqError', (/** @type {Error} */ error) => {
      if (!measuring) return;
      errors++;
      if (/timed out/.test(error.message)) timeouts++;
    });

    const openTimer = setTimeout(() => {
      if (measuring) return;
      measuring = true;
      cpuAtStart = process.cpuUsage();
      sampleAtStart = sample();
    }, warmup * 1000);
    // Time's up: no connection sends another request; each closes once its answer is in.
    const drainTimer = setTimeout(
      () => {
        for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
      },
      (warmup + seconds) * 1000,
    );
  });
}

/** @param {number} value @param {number} digits */
export function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
