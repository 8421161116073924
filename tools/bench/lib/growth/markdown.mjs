// The growth section of the report: two tables, what was stored and how, and the goals.
import { int } from '../rows.mjs';

/** @typedef {import('./row.mjs').GrowthRow} GrowthRow */

/** The issue's bars (issue 12, "Goals"). */
export const GOALS = {
  /** rush req/s with 1,000,000 orders stored over the rush on an empty store */
  storedRatio: 0.9,
  /** server memory per SSE subscriber, KiB */
  kibPerSubscriber: 60,
};

/** @param {boolean} met */
const mark = (met) => (met ? '✓' : '✗ not met');

/** @param {GrowthRow['stored']} stored */
function storedText(stored) {
  if (stored.orders === 0 && stored.keys === 0) return 'nothing';
  return [stored.orders ? `${int(stored.orders)} orders` : '', stored.keys ? `${int(stored.keys)} keys` : '']
    .filter(Boolean)
    .join(' + ');
}

/** @param {GrowthRow} row */
const errorsText = (row) =>
  `${int(row.errors)}${row.unexpected ? ` (+${int(row.unexpected)} other answers)` : ''}` +
  `${row.stock && !row.stock.pass ? ' **stock check FAILED**' : ''}`;

/** @param {GrowthRow} row */
function cpuText(row) {
  const cpu = row.cpuMsPerRequest;
  if (!cpu) return '?';
  return cpu.database === undefined ? `${cpu.server}` : `${cpu.server} + ${cpu.database} PostgreSQL`;
}

/**
 * @param {object} spec
 * @param {GrowthRow[]} spec.rows
 * @param {string[]} spec.notes
 * @param {import('./row.mjs').Timing} spec.timing
 * @param {{ orders: number, keys: number, subscribers: number }} spec.scale
 * @param {string} spec.pinning
 * @param {number} spec.elapsedMs
 */
export function growthMarkdown({ rows, notes, timing, scale, pinning, elapsedMs }) {
  const lines = ['## Cost as the work grows', ''];
  const storeRows = rows.filter((r) => r.part !== 'sse');
  const sse = rows.filter((r) => r.part === 'sse');
  const setup =
    `Production build, Express (the default), \`WORKERS=1\`, ${timing.connections} connections, ` +
    `${timing.warmup} s warm-up + ${timing.seconds} s measured per row; ${pinning}. ` +
    `Whole section: ${(elapsedMs / 1000).toFixed(0)} s.`;
  if (storeRows.length > 0) {
    lines.push(
      'Does a purchase get slower as the store fills up? Each durable store is measured three ways, three servers ' +
        `side by side: empty; holding ${int(scale.orders)} one-unit orders of product 1, written straight into its ` +
        'database before the server started (created over past hours; their units taken off `available`, so ' +
        'stock − available = units sold still holds); and a copy of that one with ' +
        `${int(Math.min(scale.keys, scale.orders))} idempotency keys added (one per seeded order, in the load ` +
        "generator's scope, all younger than the 24 h TTL so no sweep removes them). " +
        '`rush` is `POST /buy` quantity 1; `rush+key` sends a fresh `Idempotency-Key` with every request, so each ' +
        'one looks its key up among those stored and stores one more. The rows\u2019 own sales come on top of what ' +
        'was seeded. Every rush ends with the stock check (units gone = 201s). Each kind of row is measured ' +
        'on the three one after the other, as the bench alternates its servers. ' +
        "CPU per request is the server process's CPU time over the answers of the " +
        "measured window, plus (PostgreSQL) that of the backends of the server's database: on a shared machine " +
        'it moves less than req/s. ' +
        setup,
      '',
      `Goal (issue 12): req/s with ${int(scale.orders)} stored ≥ ${GOALS.storedRatio}× the same row on the empty store.`,
      '',
      '| store | scenario | stored | req/s | p50 ms | p99 ms | errors | CPU ms / request | × empty, req/s | × empty, p99 | × empty, CPU / request | goal |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const row of storeRows) {
      const c = row.compare;
      lines.push(
        `| ${row.store} | ${row.scenario} | ${storedText(row.stored)} | ${int(row.requestsPerSecond)} | ` +
          `${row.latencyMs.p50} | ${row.latencyMs.p99} | ${errorsText(row)} | ${cpuText(row)} | ` +
          `${c ? `${c.ratio.toFixed(2)}×` : '—'} | ${c ? `${c.p99Ratio.toFixed(2)}×` : '—'} | ` +
          `${c?.cpuRatio === undefined ? '—' : `${c.cpuRatio.toFixed(2)}×`} | ` +
          `${c ? `≥ ${GOALS.storedRatio}×: ${mark(c.ratio >= GOALS.storedRatio)}` : ''} |`,
      );
    }
    lines.push('');
  }
  const listening = sse.find((r) => r.subscribers);
  if (sse.length > 0) {
    const s = listening?.subscribers;
    lines.push(
      `The crowd that listens: ${int(scale.subscribers)} SSE subscribers of \`GET /products/1/inventory/stream\` on one ` +
        'worker (memory store), held open from the load generator as raw sockets, opened 200 at a time. ' +
        "Memory per subscriber is the growth of the server's RSS (`/proc/<pid>/status` VmRSS) from before the " +
        'first subscriber (after the poll alone) to when all were open, over their number. The poll ' +
        `(\`GET /products/1/inventory\`) runs without them, then while they listen; each poll row buys one unit in ` +
        'the middle of its window, so the second one includes the fan-out of that change to every subscriber, ' +
        'and afterwards the subscribers whose last event carries the new count are counted. ' +
        setup,
      '',
      `Goals (issue 12): under ${GOALS.kibPerSubscriber} KB per subscriber; every subscriber receives the change.`,
      '',
      '| subscribers | req/s | p50 ms | p99 ms | errors | × alone, p99 | server RSS | per subscriber | received the change | goal |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const row of sse) {
      const f = row.subscribers;
      const rss = f
        ? `${int((f.rssBeforeKiB ?? 0) / 1024)} → ${int((f.rssOpenKiB ?? 0) / 1024)} MiB (${int((f.rssAfterKiB ?? 0) / 1024)} after)`
        : '';
      const per = f?.kibPerSubscriber;
      lines.push(
        `| ${int(row.stored.subscribers)}${f && f.failed ? ` (${int(f.failed)} failed to open)` : ''} | ` +
          `${int(row.requestsPerSecond)} | ${row.latencyMs.p50} | ${row.latencyMs.p99} | ${errorsText(row)} | ` +
          `${row.compare ? `${row.compare.p99Ratio.toFixed(2)}×` : '—'} | ${rss} | ` +
          `${per === undefined ? (f ? '?' : '') : `${per} KiB`} | ${f ? `${int(f.received)} of ${int(f.open)}` : ''} | ` +
          `${f && per !== undefined ? `< ${GOALS.kibPerSubscriber} KB: ${mark(per < GOALS.kibPerSubscriber)}; all received: ${mark(f.received === f.open)}` : ''} |`,
      );
    }
    if (s && s.closedByServer > 0)
      notes.push(`The server closed ${int(s.closedByServer)} of the subscribers' streams.`);
    lines.push('');
  }
  for (const note of notes) lines.push(`- ${note}`);
  if (notes.length > 0) lines.push('');
  return lines.join('\n');
}
