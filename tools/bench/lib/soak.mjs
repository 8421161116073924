// The soak: one long rush on a fresh server, its resident memory sampled every few seconds, so a
// leak shows as RSS that keeps rising once the first minute has warmed everything up.
import { runLoad, round } from './load.mjs';
import { RUSH_PRODUCT, SCENARIOS } from './options.mjs';
import { int } from './rows.mjs';
import { groupRssKiB, settle } from './servers.mjs';
import testing from './testing.mjs';

const { availableOf } = testing;

export const SOAK_SAMPLE_S = 5;
/** The soak server's /metrics token: its V8 heap figures tell a leak from a heap V8 has not shrunk. */
export const SOAK_METRICS_TOKEN = 'bench-soak-metrics-token-0123456789';
/** RSS at the end over RSS after the first minute: above this, the soak says so (issue 12's goal). */
export const SOAK_RSS_GOAL = 1.2;
const FIRST_MINUTE_S = 60;

/**
 * @typedef {object} SoakSample
 * @property {number} atS  seconds since the load started
 * @property {number | undefined} rssMiB  the server's process group
 * @property {number | undefined} sold  units sold since the soak started (stock read then)
 * @property {number | undefined} heapUsedMiB  V8 heap in use (nodejs_heap_size_used_bytes) of the
 *   worker that answered /metrics: live objects plus garbage not yet collected
 */

/**
 * @typedef {object} SoakReport
 * @property {string} server
 * @property {string} description
 * @property {number} connections
 * @property {number} seconds  measured
 * @property {number} requestsPerSecond
 * @property {number} responses
 * @property {Record<string, number>} statuses
 * @property {number} errors
 * @property {import('./load.mjs').LoadResult['latencyMs']} latencyMs
 * @property {SoakSample[]} samples
 * @property {{ startMiB?: number, referenceAtS: number, referenceMiB?: number, endMiB?: number,
 *   ratio?: number, goal: number, withinGoal?: boolean, bytesPerOrderAfterReference?: number }} rss
 * @property {{ minute: number, lowestMiB: number }[]} heapFloor  the lowest heap in use sampled in each
 *   minute: close to what survives a collection, so a floor that keeps rising is a leak, and a flat
 *   floor under a rising RSS is memory V8 (or malloc) has not handed back
 * @property {import('./rows.mjs').OversellCheck} oversell
 */

/**
 * V8's heap in use, from the server's /metrics (prom-client's default metrics).
 * @param {string} url
 * @returns {Promise<number | undefined>} MiB
 */
async function heapUsedMiB(url) {
  try {
    const response = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${SOAK_METRICS_TOKEN}` },
    });
    const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(
      await response.text(),
    );
    return match ? round(Number(match[1]) / 2 ** 20, 1) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param {SoakSample[]} samples
 * @returns {{ minute: number, lowestMiB: number }[]}
 */
export function heapFloorByMinute(samples) {
  /** @type {Map<number, number>} */
  const lowest = new Map();
  for (const { atS, heapUsedMiB: heap } of samples) {
    if (heap === undefined) continue;
    const minute = Math.floor(atS / 60);
    lowest.set(minute, Math.min(lowest.get(minute) ?? Infinity, heap));
  }
  return [...lowest].map(([minute, lowestMiB]) => ({ minute, lowestMiB }));
}

/** @param {number | undefined} kib */
const mib = (kib) => (kib === undefined ? undefined : round(kib / 1024, 1));

/**
 * The sample the "after the first minute" figure uses: at 60 s, or a third into a shorter soak.
 * @param {number} seconds
 */
export function referencePoint(seconds) {
  if (seconds >= 2 * FIRST_MINUTE_S) return FIRST_MINUTE_S;
  return Math.max(SOAK_SAMPLE_S, Math.round(seconds / 3 / SOAK_SAMPLE_S) * SOAK_SAMPLE_S);
}

/**
 * Runs the rush for `seconds` on `server` (freshly started, not otherwise loaded), sampling its
 * RSS and the stock every SOAK_SAMPLE_S seconds.
 * @param {object} spec
 * @param {string} spec.name
 * @param {string} spec.description
 * @param {import('./servers.mjs').RunningServer} spec.server
 * @param {number} spec.seconds
 * @param {number} spec.connections
 * @param {(text: string) => void} spec.log
 * @returns {Promise<SoakReport>}
 */
export async function runSoak({ name, description, server, seconds, connections, log }) {
  const scenario = /** @type {import('./options.mjs').Scenario} */ (SCENARIOS.find((s) => s.name === 'rush'));
  await settle(server, 5000);
  const stockBefore = await availableOf(server.url, RUSH_PRODUCT);
  /** @type {SoakSample[]} */
  const samples = [];
  const started = performance.now();
  const take = async () => {
    const atS = round((performance.now() - started) / 1000, 1);
    const rssMiB = mib(groupRssKiB(server.pid));
    const left = await availableOf(server.url, RUSH_PRODUCT).catch(() => undefined);
    const sold = left === undefined ? undefined : stockBefore - left;
    const sample = { atS, rssMiB, sold, heapUsedMiB: await heapUsedMiB(server.url) };
    samples.push(sample);
    return sample;
  };
  await take();
  /** @type {Promise<unknown>} */
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(async () => {
      const sample = await take();
      if (Math.round(sample.atS) % 30 === 0 || sample.atS < SOAK_SAMPLE_S * 1.5) {
        log(
          `  soak ${String(Math.round(sample.atS)).padStart(4)} s: RSS ${sample.rssMiB ?? '?'} MiB, ` +
            `heap ${sample.heapUsedMiB ?? '?'} MiB, sold ${int(sample.sold ?? 0)}`,
        );
      }
    });
  }, SOAK_SAMPLE_S * 1000);
  let result;
  try {
    result = await runLoad({ url: server.url, scenario, connections, warmup: 0, seconds });
  } finally {
    clearInterval(timer);
    await pending;
  }
  // The figure at the end is taken once the last answer is in; one just taken stands for it.
  if (samples.length > 1 && performance.now() - started - (samples.at(-1)?.atS ?? 0) * 1000 < 1000)
    samples.pop();
  await take();
  const stockAfter = await availableOf(server.url, RUSH_PRODUCT);
  const created = result.statusesAll['201'] ?? 0;
  /** @type {import('./rows.mjs').OversellCheck} */
  const oversell = {
    server: `${name} (soak)`,
    connections,
    stockBefore,
    stockAfter,
    stockChange: stockBefore - stockAfter,
    created,
    pass: stockBefore - stockAfter === created && stockAfter >= 0,
  };

  const referenceAtS = referencePoint(seconds);
  const start = samples[0];
  // The last sample taken while the load ran at or after the reference point.
  const reference = samples.find((s) => s.atS >= referenceAtS - 0.5) ?? samples.at(-1);
  const end = samples.at(-1);
  const ratio =
    reference?.rssMiB && end?.rssMiB !== undefined ? round(end.rssMiB / reference.rssMiB, 3) : undefined;
  const soldAfterReference =
    reference?.sold !== undefined && end?.sold !== undefined ? end.sold - reference.sold : undefined;
  const bytesPerOrder =
    soldAfterReference && reference?.rssMiB !== undefined && end?.rssMiB !== undefined
      ? Math.round(((end.rssMiB - reference.rssMiB) * 2 ** 20) / soldAfterReference)
      : undefined;
  return {
    server: name,
    description,
    connections,
    seconds: result.seconds,
    requestsPerSecond: result.requestsPerSecond,
    responses: result.responses,
    statuses: result.statuses,
    errors: result.errors,
    latencyMs: result.latencyMs,
    samples,
    rss: {
      startMiB: start?.rssMiB,
      referenceAtS: reference?.atS ?? referenceAtS,
      referenceMiB: reference?.rssMiB,
      endMiB: end?.rssMiB,
      ratio,
      goal: SOAK_RSS_GOAL,
      withinGoal: ratio === undefined ? undefined : ratio <= SOAK_RSS_GOAL,
      bytesPerOrderAfterReference: bytesPerOrder,
    },
    heapFloor: heapFloorByMinute(samples),
    oversell,
  };
}

/** @param {number | undefined} n */
const fmt = (n) => (n === undefined ? '–' : String(n));

/**
 * The soak's section of latest.md.
 * @param {SoakReport | { server: string, skipped: string }} soak
 */
export function soakMarkdown(soak) {
  if ('skipped' in soak) return [`## Soak: ${soak.server}`, '', `Skipped: ${soak.skipped}`];
  const { rss } = soak;
  const verdict =
    rss.withinGoal === undefined ? '' : rss.withinGoal ? ' (within the goal)' : ' (**over the goal**)';
  /** @type {string[]} */
  const lines = [
    `## Soak: ${soak.server}, ${Math.round(soak.seconds)} s of rush at ${soak.connections} connections`,
    '',
    `${soak.description}. RSS is VmRSS of the server's processes, sampled every ${SOAK_SAMPLE_S} s.`,
    '',
    '| RSS at start | after ' +
      `${rss.referenceAtS} s | at the end | end / after ${rss.referenceAtS} s (goal ≤ ${rss.goal}×) | ` +
      'req/s over the soak | p99 ms | errors | no oversell |',
    '| --: | --: | --: | --: | --: | --: | --: | --- |',
    `| ${fmt(rss.startMiB)} MiB | ${fmt(rss.referenceMiB)} MiB | ${fmt(rss.endMiB)} MiB | ` +
      `${rss.ratio === undefined ? '–' : `${rss.ratio.toFixed(2)}×`}${verdict} | ${int(soak.requestsPerSecond)} | ` +
      `${soak.latencyMs.p99} | ${soak.errors} | ${soak.oversell.pass ? 'PASS' : '**FAIL**'} |`,
    '',
  ];
  if (rss.bytesPerOrderAfterReference !== undefined) {
    lines.push(
      `After ${rss.referenceAtS} s the RSS grew by ${int(rss.bytesPerOrderAfterReference)} bytes per unit sold ` +
        '(a store that keeps its orders in memory grows by design; compare with what one order should take).',
      '',
    );
  }
  if (soak.heapFloor.length > 0) {
    lines.push(
      `V8 heap in use, the lowest sample of each minute (what survives a collection, about): ` +
        soak.heapFloor.map(({ minute, lowestMiB }) => `minute ${minute + 1}: ${lowestMiB} MiB`).join(', ') +
        '. A floor that keeps rising is a leak; a flat one under a rising RSS is memory V8 has not handed back.',
      '',
    );
  }
  // Every 30 s of a long soak (and the last): RSS and the rate over the preceding interval, from the
  // stock sold.
  const shown =
    soak.samples.length <= 13
      ? soak.samples
      : soak.samples.filter(
          (s, i) => i === 0 || i === soak.samples.length - 1 || Math.round(s.atS) % 30 === 0,
        );
  lines.push(
    '| s | RSS MiB | heap in use MiB | sold | req/s since the previous line |',
    '| --: | --: | --: | --: | --: |',
  );
  shown.forEach((sample, i) => {
    const previous = shown[i - 1];
    const rate =
      previous && sample.sold !== undefined && previous.sold !== undefined && sample.atS > previous.atS
        ? int((sample.sold - previous.sold) / (sample.atS - previous.atS))
        : '–';
    lines.push(
      `| ${Math.round(sample.atS)} | ${fmt(sample.rssMiB)} | ${fmt(sample.heapUsedMiB)} | ${int(sample.sold ?? 0)} | ${rate} |`,
    );
  });
  return lines;
}
