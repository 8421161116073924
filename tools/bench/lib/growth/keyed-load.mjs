// A rush in which every request carries a fresh `Idempotency-Key`, as the storefront sends one
// per purchase attempt. load.mjs's runLoad sends one fixed request, so this run builds each
// request itself (autocannon's `setupRequest`); otherwise it measures as runLoad does: a warm-up on
// the same connections, latency by when a request was sent, and a clean end (when time is up each
// connection takes its in-flight answer and closes, so every sale made is also counted).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { round } from '../load.mjs';

const require = createRequire(import.meta.url);
/** @type {any} */
const autocannon = require('autocannon');

const DRAIN_GRACE_S = 15;
const REQUEST_TIMEOUT_S = 10;

/**
 * @typedef {object} KeyedResult
 * @property {number} seconds
 * @property {number} responses  answers in the measured window
 * @property {number} requestsPerSecond
 * @property {Record<string, number>} statuses  measured window
 * @property {Record<string, number>} statusesAll  warm-up included (for the stock check)
 * @property {number} errors
 * @property {number} timeouts
 * @property {{ p50: number, p90: number, p99: number, max: number, mean: number }} latencyMs
 * @property {number} loadCpuSeconds
 * @property {boolean} drained
 * @property {unknown} sampleAtStart  what `sample` returned when the measured window opened
 * @property {unknown} sampleAtEnd  what `sample` returned after the last answer
 */

/** @param {number[]} values */
function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (/** @type {number} */ q) =>
    sorted.length === 0 ? 0 : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)], 1);
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.length === 0 ? 0 : round(sorted[sorted.length - 1], 1),
    mean: sorted.length === 0 ? 0 : round(sum / sorted.length, 2),
  };
}

/**
 * @param {object} spec
 * @param {string} spec.url  the server's base URL
 * @param {string} spec.path
 * @param {unknown} spec.body  sent as JSON
 * @param {number} spec.connections
 * @param {number} spec.warmup  seconds
 * @param {number} spec.seconds  measured
 * @param {() => unknown} [spec.sample]  called when the window opens and after the last answer
 * @returns {Promise<KeyedResult>}
 */
export function runKeyedLoad({ url, path, body, connections, warmup, seconds, sample = () => undefined }) {
  return new Promise((resolve, reject) => {
    /** @type {any[]} */
    const clients = [];
    let done = 0;
    let lastDone = 0;
    const started = performance.now();
    const measureFrom = started + warmup * 1000;
    let measuring = warmup === 0;
    let cpuAtStart = process.cpuUsage();
    let sampleAtStart = measuring ? sample() : undefined;
    /** @type {number[]} */
    const latencies = [];
    /** @type {Record<string, number>} */
    const statuses = {};
    /** @type {Record<string, number>} */
    const statusesAll = {};
    let errors = 0;
    let timeouts = 0;

    const instance = autocannon(
      {
        url,
        connections,
        pipelining: 1,
        duration: warmup + seconds + DRAIN_GRACE_S,
        timeout: REQUEST_TIMEOUT_S,
        sampleInt: 100,
        requests: [
          {
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            setupRequest: (/** @type {any} */ request) => ({
              ...request,
              headers: { ...request.headers, 'idempotency-key': randomUUID() },
            }),
          },
        ],
        setupClient: (/** @type {any} */ client) => {
          clients.push(client);
          client.on('done', () => {
            done++;
            lastDone = performance.now();
          });
        },
      },
      (/** @type {Error | null} */ error) => {
        clearTimeout(openTimer);
        clearTimeout(drainTimer);
        if (error) {
          reject(error);
          return;
        }
        const drained = done >= connections;
        const end = drained ? lastDone : performance.now();
        const cpu = process.cpuUsage(cpuAtStart);
        const sampleAtEnd = sample();
        const elapsed = (end - Math.max(measureFrom, started)) / 1000;
        const responses = Object.values(statuses).reduce((sum, n) => sum + n, 0);
        resolve({
          seconds: round(elapsed, 3),
          responses,
          requestsPerSecond: round(responses / elapsed, 1),
          statuses,
          statusesAll,
          errors,
          timeouts,
          latencyMs: summary(latencies),
          loadCpuSeconds: round((cpu.user + cpu.system) / 1e6, 3),
          drained,
          sampleAtStart,
          sampleAtEnd,
        });
      },
    );
    instance.on('error', reject);
    instance.on(
      'response',
      (
        /** @type {unknown} */ _client,
        /** @type {number} */ status,
        /** @type {number} */ _bytes,
        /** @type {number} */ responseTime,
      ) => {
        statusesAll[status] = (statusesAll[status] ?? 0) + 1;
        if (measuring) statuses[status] = (statuses[status] ?? 0) + 1;
        if (performance.now() - responseTime >= measureFrom) latencies.push(responseTime);
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
    const drainTimer = setTimeout(
      () => {
        for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
      },
      (warmup + seconds) * 1000,
    );
  });
}
