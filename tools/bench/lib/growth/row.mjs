// One growth row: a measured load against a server (load.mjs's runLoad, or the keyed rush), the
// server's CPU over the measured window, and the stock check after a rush.
import { round, runLoad } from '../load.mjs';
import { RUSH_PRODUCT, SCENARIOS } from '../options.mjs';
import { groupCpuSeconds, settle } from '../servers.mjs';
import testing from '../testing.mjs';
import { runKeyedLoad } from './keyed-load.mjs';
import { backendTicks, databaseCpuSeconds, postmasterPid } from './pg-cpu.mjs';

const { availableOf } = testing;

/** @param {string} name */
const scenario = (name) => {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`lib/options.mjs has no "${name}" scenario`);
  return found;
};
export const RUSH = scenario('rush');
export const POLL = scenario('poll');

/**
 * @typedef {object} GrowthRow
 * @property {'orders' | 'keys' | 'sse'} part  which growth question the row answers
 * @property {string} store  memory, sqlite or postgres (Express, WORKERS=1)
 * @property {string} scenario  rush, rush+key (a fresh Idempotency-Key per request) or poll
 * @property {{ orders: number, keys: number, subscribers: number }} stored
 *   what was seeded or held open before the row (the rows' own sales come on top)
 * @property {number} connections
 * @property {number} requestsPerSecond
 * @property {{ p50: number, p90: number, p99: number, max: number, mean: number }} latencyMs
 * @property {number} responses
 * @property {number} errors  connection errors and timeouts
 * @property {number} unexpected  answers with another status than the scenario's
 * @property {Record<string, number>} statuses
 * @property {number} seconds  measured window
 * @property {number | undefined} serverCpuPercent
 * @property {{ server: number, database: number | undefined } | undefined} cpuMsPerRequest
 *   CPU time per answer in the measured window: the server's process, and PostgreSQL's backends
 *   serving its database (steadier than req/s on a shared machine)
 * @property {number} loadCpuPercent
 * @property {{ before: number, after: number, created: number, pass: boolean } | undefined} stock
 *   after a rush: units gone must equal the 201s (warm-up included)
 * @property {{ against: string, ratio: number, p99Ratio: number, cpuRatio: number | undefined } | undefined} compare
 *   req/s, p99 and CPU per request (server + database) over those of the row named in `against`
 *   (same store, nothing stored)
 * @property {SubscriberFacts | undefined} [subscribers]
 */

/**
 * @typedef {object} SubscriberFacts
 * @property {number} requested
 * @property {number} open
 * @property {number} failed
 * @property {number} openingMs
 * @property {number | undefined} rssBeforeKiB  server RSS with no subscriber (after the poll alone)
 * @property {number | undefined} rssOpenKiB  with every subscriber open, before the poll
 * @property {number | undefined} rssAfterKiB  after the poll and the update reached them
 * @property {number | undefined} kibPerSubscriber  (rssOpen − rssBefore) / open
 * @property {number} received  subscribers whose last event carried the count after the buy
 * @property {number} closedByServer
 * @property {number} fileLimit  the open-file limit the load generator ran with
 */

/**
 * @typedef {object} Timing
 * @property {number} connections
 * @property {number} warmup  seconds, on the same connections, not measured
 * @property {number} seconds  measured
 */

/**
 * Measures one row. `during` runs once the measured window opens (the SSE rows buy a unit then).
 * @param {object} spec
 * @param {import('../servers.mjs').RunningServer} spec.server
 * @param {'rush' | 'rush+key' | 'poll'} spec.kind
 * @param {Timing} spec.timing
 * @param {() => void} [spec.during]
 * @param {string} [spec.databaseUrl]  PostgreSQL: its backends' CPU is counted too
 * @returns {Promise<Omit<GrowthRow, 'part' | 'store' | 'stored' | 'compare'>>}
 */
export async function measure({ server, kind, timing, during, databaseUrl }) {
  await settle(server, 5000);
  const postmaster = databaseUrl ? await postmasterPid(databaseUrl) : undefined;
  const selling = kind !== 'poll';
  const before = selling ? await availableOf(server.url, RUSH_PRODUCT) : undefined;
  let opened = false;
  const sample = () => {
    if (!opened) {
      opened = true;
      during?.();
    }
    const own = groupCpuSeconds(server.pid);
    return own === undefined ? undefined : { own, backends: backendTicks(postmaster) };
  };
  const load = {
    url: server.url,
    connections: timing.connections,
    warmup: timing.warmup,
    seconds: timing.seconds,
    sample,
  };
  const result =
    kind === 'rush+key'
      ? await runKeyedLoad({ ...load, path: RUSH.path, body: RUSH.body })
      : await runLoad({ ...load, scenario: kind === 'rush' ? RUSH : POLL });
  /** @typedef {{ own: number, backends: Map<number, number> } | undefined} CpuSample */
  const cpuStart = /** @type {CpuSample} */ (result.sampleAtStart);
  const cpuEnd = /** @type {CpuSample} */ (result.sampleAtEnd);
  const cpu =
    cpuStart === undefined || cpuEnd === undefined
      ? undefined
      : {
          own: cpuEnd.own - cpuStart.own,
          database:
            databaseUrl && postmaster !== undefined
              ? await databaseCpuSeconds(databaseUrl, cpuStart.backends, cpuEnd.backends)
              : undefined,
        };
  const expected = selling ? RUSH.expectedStatus : POLL.expectedStatus;
  /** @type {GrowthRow['stock']} */
  let stock;
  if (before !== undefined) {
    const after = await availableOf(server.url, RUSH_PRODUCT);
    const created = result.statusesAll['201'] ?? 0;
    stock = { before, after, created, pass: before - after === created && after >= 0 };
  }
  await settle(server);
  return {
    scenario: kind,
    connections: timing.connections,
    requestsPerSecond: result.requestsPerSecond,
    latencyMs: {
      p50: result.latencyMs.p50,
      p90: result.latencyMs.p90,
      p99: result.latencyMs.p99,
      max: result.latencyMs.max,
      mean: result.latencyMs.mean,
    },
    responses: result.responses,
    errors: result.errors,
    unexpected: result.responses - (result.statuses[String(expected)] ?? 0),
    statuses: result.statuses,
    seconds: result.seconds,
    serverCpuPercent: cpu === undefined ? undefined : round((cpu.own / result.seconds) * 100, 1),
    cpuMsPerRequest:
      cpu === undefined || result.responses === 0
        ? undefined
        : {
            server: round((cpu.own * 1000) / result.responses, 3),
            database:
              cpu.database === undefined ? undefined : round((cpu.database * 1000) / result.responses, 3),
          },
    loadCpuPercent: round((result.loadCpuSeconds / result.seconds) * 100, 1),
    stock,
  };
}

/**
 * A short unmeasured run, so a freshly started server's first row does not pay for its JIT,
 * its first collections and its cold caches.
 * @param {import('../servers.mjs').RunningServer} server
 * @param {'rush' | 'rush+key' | 'poll'} kind @param {Timing} timing
 */
export async function warm(server, kind, timing) {
  const load = {
    url: server.url,
    connections: timing.connections,
    warmup: 0,
    seconds: Math.max(1, timing.warmup),
  };
  if (kind === 'rush+key') await runKeyedLoad({ ...load, path: RUSH.path, body: RUSH.body });
  else await runLoad({ ...load, scenario: kind === 'rush' ? RUSH : POLL });
}

/**
 * `row` with its ratios against `reference` (same store, nothing stored).
 * @param {GrowthRow} row @param {GrowthRow | undefined} reference @param {string} against
 * @returns {GrowthRow}
 */
export function compared(row, reference, against) {
  if (!reference || reference.requestsPerSecond === 0) return row;
  return {
    ...row,
    compare: {
      against,
      ratio: round(row.requestsPerSecond / reference.requestsPerSecond, 3),
      p99Ratio: reference.latencyMs.p99 > 0 ? round(row.latencyMs.p99 / reference.latencyMs.p99, 2) : 0,
      cpuRatio: cpuRatio(row, reference),
    },
  };
}

/** @param {GrowthRow} row */
const cpuPerRequest = (row) =>
  row.cpuMsPerRequest ? row.cpuMsPerRequest.server + (row.cpuMsPerRequest.database ?? 0) : undefined;

/** @param {GrowthRow} row @param {GrowthRow} reference */
function cpuRatio(row, reference) {
  const mine = cpuPerRequest(row);
  const theirs = cpuPerRequest(reference);
  return mine === undefined || theirs === undefined || theirs === 0 ? undefined : round(mine / theirs, 2);
}
