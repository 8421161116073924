// One measured row (a scenario × connection count against one server), its oversell check, and
// the notes the report draws from all rows.
import { runLoad, round } from './load.mjs';
import { BASELINE_NAME, RUSH_PRODUCT, SOLD_OUT_PRODUCT } from './options.mjs';
import { groupCpuSeconds, machineBusySeconds, settle } from './servers.mjs';
import testing from './testing.mjs';

const { availableOf } = testing;

/**
 * One measured row of the report.
 * @typedef {object} BenchRow
 * @property {string} scenario
 * @property {number} connections
 * @property {string} server
 * @property {number} requestsPerSecond
 * @property {number | undefined} ratioToBaseline  req/s over the baseline's in the same scenario × connections
 * @property {string | undefined} floor  the floor row this row is compared with (same adapter)
 * @property {number | undefined} ratioToFloor  req/s over that floor's in the same scenario × connections
 * @property {number | undefined} p99ToFloor  p99 latency over that floor's
 * @property {number[]} [rounds]  with --repeat: every round's req/s (the row is the median round)
 * @property {import('./load.mjs').LoadResult['latencyMs']} latencyMs
 * @property {number} responses
 * @property {Record<string, number>} statuses
 * @property {number} expectedNon2xx  the 409s of the sold-out hammer, the 304s of poll-revalidate
 * @property {number} stale  poll-revalidate: 200s answered because the ETag had just changed (not unexpected)
 * @property {number} etagChanges  poll-revalidate: how often the ETag changed during the row
 * @property {number} unexpected  answers with any other status than the scenario's own
 * @property {number} errors
 * @property {number} timeouts
 * @property {number} seconds
 * @property {boolean} drained
 * @property {number | undefined} serverCpuPercent
 * @property {number} loadCpuPercent
 * @property {number | undefined} otherCpuPercent
 * @property {import('./load.mjs').LoadResult['over1s']} over1s
 * @property {import('./load.mjs').LoadResult['warmup']} warmup  the warm-up on the same connections
 * @property {number} settleMs  how long the server stayed busy after the load stopped
 * @property {OversellCheck | undefined} oversell
 * @property {import('./load.mjs').LoadResult['background']} [background]  what the background crowd was answered
 */

/**
 * @typedef {object} OversellCheck
 * @property {string} server
 * @property {number} connections
 * @property {number} stockBefore
 * @property {number} stockAfter
 * @property {number} stockChange
 * @property {number} created  201 answers counted by the load generator
 * @property {boolean} pass
 */

/** @param {number} n */
export const int = (n) => Math.round(n).toLocaleString('en-US');

/** @param {import('./servers.mjs').RunningServer} server @param {number} productId */
const stockOf = (server, productId) =>
  availableOf(server.url, productId).catch((/** @type {Error} */ error) => {
    throw new Error(`${server.label}: ${error.message}`);
  });

/**
 * Measures one row, then checks the stock: after a rush its change must equal the 201s, after
 * the sold-out hammer nothing may be available.
 * @param {object} spec
 * @param {string} spec.name
 * @param {import('./servers.mjs').RunningServer} spec.server
 * @param {import('./options.mjs').Scenario} spec.scenario
 * @param {number} spec.connections
 * @param {import('./options.mjs').BenchOptions} spec.options
 * @param {number | undefined} [spec.baselineRate]  the baseline's req/s in this scenario × connections
 * @param {BenchRow} [spec.floor]  the floor's row of the same adapter in this scenario × connections
 * @returns {Promise<{ row: BenchRow, notes: string[], failed: boolean, text: string }>}
 */
export async function measureRow({ name, server, scenario, connections, options, baselineRate, floor }) {
  /** @type {string[]} */
  const notes = [];
  let failed = false;
  await settle(server, 5000);
  const stockBefore = scenario.checkOversell ? await stockOf(server, RUSH_PRODUCT) : undefined;
  const result = await runLoad({
    url: server.url,
    scenario,
    connections,
    warmup: options.warmup,
    seconds: options.duration,
    sample: () => ({ server: groupCpuSeconds(server.pid), machine: machineBusySeconds() }),
  });
  const cpuBefore = /** @type {{ server?: number, machine?: number }} */ (result.sampleAtStart);
  const cpuAfter = /** @type {{ server?: number, machine?: number }} */ (result.sampleAtEnd);
  const serverCpu =
    cpuBefore.server === undefined || cpuAfter.server === undefined
      ? undefined
      : cpuAfter.server - cpuBefore.server;
  const machineCpu =
    cpuBefore.machine === undefined || cpuAfter.machine === undefined
      ? undefined
      : cpuAfter.machine - cpuBefore.machine;
  const settleMs = await settle(server);

  const expected = result.statuses[String(scenario.expectedStatus)] ?? 0;
  // A revalidating poll sent just before the tag changed is rightly answered in full.
  const stale = scenario.revalidate ? (result.statuses['200'] ?? 0) : 0;
  const unexpected = result.responses - expected - stale;
  /** @type {BenchRow} */
  const row = {
    scenario: scenario.name,
    connections,
    server: name,
    requestsPerSecond: result.requestsPerSecond,
    ratioToBaseline: undefined,
    floor: floor?.server,
    ratioToFloor: undefined,
    p99ToFloor: undefined,
    latencyMs: result.latencyMs,
    responses: result.responses,
    statuses: result.statuses,
    expectedNon2xx: scenario.expectedStatus >= 300 ? expected : 0,
    stale,
    etagChanges: result.etagChanges,
    unexpected,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.seconds,
    drained: result.drained,
    serverCpuPercent: serverCpu === undefined ? undefined : round((serverCpu / result.seconds) * 100, 1),
    loadCpuPercent: round((result.loadCpuSeconds / result.seconds) * 100, 1),
    // Everything else the machine ran meanwhile (other processes, PostgreSQL, Redis, the kernel).
    otherCpuPercent:
      serverCpu === undefined || machineCpu === undefined
        ? undefined
        : round((Math.max(0, machineCpu - serverCpu - result.loadCpuSeconds) / result.seconds) * 100, 1),
    over1s: result.over1s,
    warmup: result.warmup,
    settleMs,
    oversell: undefined,
    background: result.background,
  };
  Object.assign(row, ratiosOf(row, baselineRate, floor));
  if (stale > 0) {
    notes.push(
      `${name} ${scenario.name} c=${connections}: ${int(stale)} answers were a full 200, sent as the ETag ` +
        `changed (${result.etagChanges} change${result.etagChanges === 1 ? '' : 's'} in the row: the server ` +
        'stretches pollAfterMs, part of the tag, as its event loop fills)',
    );
  }

  let checkText = '';
  if (scenario.checkOversell && stockBefore !== undefined) {
    const stockAfter = await stockOf(server, RUSH_PRODUCT);
    // Warm-up included: the stock was read before it and after the last answer.
    const created = result.statusesAll['201'] ?? 0;
    /** @type {OversellCheck} */
    const check = {
      server: name,
      connections,
      stockBefore,
      stockAfter,
      stockChange: stockBefore - stockAfter,
      created,
      pass: stockBefore - stockAfter === created && stockAfter >= 0,
    };
    row.oversell = check;
    checkText = `  sold ${int(check.stockChange)} = ${int(created)} × 201: ${check.pass ? 'PASS' : 'FAIL'}`;
    if (!check.pass) failed = true;
  }
  if (scenario.name === 'sold-out') {
    const left = await stockOf(server, SOLD_OUT_PRODUCT);
    if (left !== 0) {
      notes.push(`${name}: product ${SOLD_OUT_PRODUCT} shows ${left} available after the sold-out hammer`);
      failed = true;
    }
  }
  if (!result.drained) {
    notes.push(
      `${name} ${scenario.name} c=${connections}: some connections had no answer when the run ended`,
    );
  }
  const l = result.latencyMs;
  const text =
    ` ${int(result.requestsPerSecond).padStart(7)} req/s` +
    `${row.ratioToFloor === undefined ? '' : `  ${row.ratioToFloor.toFixed(2)}× floor`}` +
    `${row.ratioToBaseline === undefined ? '' : `  ${row.ratioToBaseline.toFixed(2)}× baseline`}` +
    `  p50 ${l.p50} p99 ${l.p99} max ${l.max} ms` +
    `  unexpected ${unexpected}${stale > 0 ? ` stale ${stale}` : ''}  errors ${result.errors}` +
    `  cpu server ${row.serverCpuPercent ?? '?'}% load ${row.loadCpuPercent}% other ${row.otherCpuPercent ?? '?'}%` +
    `${result.over1s.count > 0 ? `  ${result.over1s.count} over 1 s (sent ${result.over1s.sentFromS}–${result.over1s.sentToS} s in)` : ''}` +
    `${result.warmup.maxMs > 1000 ? `  warm-up max ${int(result.warmup.maxMs)} ms` : ''}` +
    `${settleMs > 1000 ? `  settled in ${(settleMs / 1000).toFixed(1)} s` : ''}` +
    checkText +
    (result.background ? `  background ${formatStatuses(result.background.statuses)}` : '');
  return { row, notes, failed, text };
}

/** @param {Record<string, number>} statuses e.g. `401 ×1,204, 503 ×9,870` */
const formatStatuses = (statuses) =>
  Object.entries(statuses)
    .map(([status, count]) => `${status} ×${int(count)}`)
    .join(', ') || 'no answers';

/**
 * A scenario with a background crowd beside the same scenario without it, per server and
 * connection count: how much the crowd slows the measured requests.
 * @param {BenchRow[]} measured
 */
function backgroundNotes(measured) {
  return measured
    .filter((row) => row.background)
    .flatMap((loaded) => {
      const quiet = measured.find(
        (r) =>
          r.server === loaded.server &&
          r.connections === loaded.connections &&
          !r.background &&
          `${r.scenario}-flood` === loaded.scenario,
      );
      if (!quiet) return [];
      const ratio = quiet.latencyMs.p99 > 0 ? loaded.latencyMs.p99 / quiet.latencyMs.p99 : undefined;
      return [
        `${loaded.server} c=${loaded.connections}: ${quiet.scenario} p99 ${quiet.latencyMs.p99} ms alone, ` +
          `${loaded.latencyMs.p99} ms under the ${loaded.scenario} crowd` +
          `${ratio === undefined ? '' : ` (${ratio.toFixed(1)}×)`}, ${int(loaded.requestsPerSecond)} vs ` +
          `${int(quiet.requestsPerSecond)} req/s; the crowd was answered ` +
          `${formatStatuses(loaded.background?.statuses ?? {})}.`,
      ];
    });
}

/**
 * What the measured rows say beyond the table: slow requests, connect bursts, deferred work and
 * rows the load generator may have limited.
 * @param {BenchRow[]} measured
 * @returns {string[]}
 */
export function rowNotes(measured) {
  /** @type {string[]} */
  const notes = [];
  const slowRows = measured.filter((r) => r.latencyMs.max >= 1000);
  if (slowRows.length > 0) {
    notes.push(
      `Requests over 1 s: ${slowRows
        .map(
          (r) =>
            `${r.server} ${r.scenario} c=${r.connections}: ${r.over1s.count} (max ${int(r.latencyMs.max)} ms, ` +
            `sent ${r.over1s.sentFromS}–${r.over1s.sentToS} s into the measured window)`,
        )
        .join('; ')}.`,
    );
  }
  const burstRows = measured.filter((r) => r.warmup.over1s > 0);
  if (burstRows.length > 0) {
    notes.push(
      'Connect burst (warm-up, not in the table): when a row opens its connections all at once, the first ' +
        `answer on some of them took over 1 s: ${burstRows
          .map(
            (r) =>
              `${r.server} ${r.scenario} c=${r.connections}: ${r.warmup.over1s} (max ${int(r.warmup.maxMs)} ms)`,
          )
          .join('; ')}.`,
    );
  }
  const settled = measured.filter((r) => r.settleMs > 1000);
  if (settled.length > 0) {
    notes.push(
      `Deferred work after a row (server CPU busy after the load stopped): ${settled
        .map((r) => `${r.server} ${r.scenario} c=${r.connections} ${(r.settleMs / 1000).toFixed(1)} s`)
        .join('; ')}.`,
    );
  }
  const generatorBound = measured.filter((r) => r.loadCpuPercent >= 85);
  if (generatorBound.length > 0) {
    notes.push(
      `The load generator used ≥ 85 % of its core in: ${generatorBound
        .map((r) => `${r.server} ${r.scenario} c=${r.connections} (${Math.round(r.loadCpuPercent)} %)`)
        .join('; ')}. ` +
        'Those rows may measure the generator, not the server: the server could go faster, ' +
        'so a ratio against such a baseline row flatters the API.',
    );
  }
  notes.push(...backgroundNotes(measured));
  notes.push(
    'Absolute numbers depend on whatever else runs on the machine; compare ratios to the floor and the baseline of the same run.',
  );
  return notes;
}

/**
 * A row's req/s over the baseline's and over its floor's, and its p99 over the floor's (each
 * undefined where there is nothing to compare with; the baseline is never compared with itself).
 * @param {BenchRow} row
 * @param {number | undefined} baselineRate
 * @param {BenchRow | undefined} floor
 * @returns {Pick<BenchRow, 'ratioToBaseline' | 'ratioToFloor' | 'p99ToFloor'>}
 */
function ratiosOf(row, baselineRate, floor) {
  const hasFloor = floor !== undefined && floor.requestsPerSecond > 0;
  return {
    ratioToBaseline:
      row.server !== BASELINE_NAME && baselineRate
        ? round(row.requestsPerSecond / baselineRate, 3)
        : undefined,
    ratioToFloor: hasFloor ? round(row.requestsPerSecond / floor.requestsPerSecond, 3) : undefined,
    p99ToFloor:
      hasFloor && floor.latencyMs.p99 > 0 ? round(row.latencyMs.p99 / floor.latencyMs.p99, 2) : undefined,
  };
}

/**
 * With `--repeat`, one row per server of a scenario × connections: the round with the median req/s
 * (the lower middle of an even count), every round's req/s in `rounds`, its ratios taken again
 * against the median rounds of the baseline and of its floor. A server measured once keeps its row.
 * @param {Map<string, BenchRow[]>} rounds  each server's rows, by name
 * @param {{ name: string, kind: string, floor?: string }[]} targets
 * @returns {BenchRow[]}
 */
export function medianRows(rounds, targets) {
  /** @type {Map<string, BenchRow>} */
  const medians = new Map();
  for (const [name, measured] of rounds) {
    const sorted = [...measured].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    medians.set(
      name,
      measured.length === 1 ? median : { ...median, rounds: measured.map((r) => r.requestsPerSecond) },
    );
  }
  const baseline = targets.find((t) => t.kind === 'baseline');
  const baselineRate = baseline ? medians.get(baseline.name)?.requestsPerSecond : undefined;
  return targets.flatMap(({ name, floor }) => {
    const row = medians.get(name);
    if (!row) return [];
    if (!row.rounds) return [row];
    return [{ ...row, ...ratiosOf(row, baselineRate, floor === undefined ? undefined : medians.get(floor)) }];
  });
}
