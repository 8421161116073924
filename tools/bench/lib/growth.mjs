// Growth rows (issue 12, item 5): what a purchase and a poll cost as the work grows, each beside
// the same row with nothing stored. Called by bench.mjs after the main scenarios, or run alone with
// `node tools/bench/growth.mjs`.
//
// Interface
//
//   import { runGrowth } from './lib/growth.mjs';
//   const { rows, markdown } = await runGrowth({ options, log });
//
//   context.options   the bench's BenchOptions (lib/options.mjs); read are
//                       duration, warmup  seconds per row (capped at 5 and 1 unless options.growth says),
//                       connections      the first entry is used (64 by default),
//                       pin              pin the growth servers to CPU 0,
//                     and an optional `options.growth` (GrowthOptions below) for the scale.
//   context.log       (text: string) => void, one line at a time (progress; the rows as they come).
//   context.webRoot   optional: the bench's stand-in storefront folder (one is written otherwise).
//   context.root      optional: the workspace root (default: two folders above tools/bench).
//
//   Resolves with rows (GrowthRow[], lib/growth/row.mjs: for latest.json under `growth`) and
//   markdown (a section, "## Cost as the work grows", for latest.md). Rejects only when the bench
//   itself cannot run (no build); a store that cannot be used (PostgreSQL down) becomes a note.
//
//   It starts and stops its own servers (the production build in dist/apps/api, which must
//   exist: build it first), creates and drops its own PostgreSQL databases, removes its own temp
//   folder, and touches no server, database or Redis key of the caller. It does not pin the
//   calling process: bench.mjs has already put itself on CPU 1 (growth.mjs alone does the same).
//   At full scale it takes about 3–4 minutes.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartError } from './servers.mjs';
import { message, postgresProblem } from './services.mjs';
import { growthMarkdown } from './growth/markdown.mjs';
import { growthServers } from './growth/server.mjs';
import { sseRows } from './growth/sse-rows.mjs';
import { storeRows } from './growth/store-rows.mjs';

/** @typedef {import('./growth/row.mjs').GrowthRow} GrowthRow */

/**
 * @typedef {object} GrowthOptions
 * @property {number} [orders]  orders seeded before the "stored" rows (default 1,000,000)
 * @property {number} [keys]  idempotency keys seeded on top (default 1,000,000; at most `orders`)
 * @property {number} [subscribers]  SSE subscribers held open (default 10,000)
 * @property {Array<'sqlite' | 'postgres'>} [stores]  default both
 * @property {Array<'orders' | 'keys' | 'sse'>} [parts]  default all three
 * @property {number} [duration]  seconds measured per row (default min(options.duration, 5))
 * @property {number} [warmup]  seconds of warm-up per row (default min(options.warmup, 1))
 */

/**
 * @typedef {object} GrowthContext
 * @property {Pick<import('./options.mjs').BenchOptions, 'duration' | 'warmup' | 'connections' | 'pin'> & { growth?: GrowthOptions }} options
 * @property {(text: string) => void} log
 * @property {string} [webRoot]
 * @property {string} [root]
 */

export const GROWTH_DEFAULTS = Object.freeze({
  orders: 1_000_000,
  keys: 1_000_000,
  subscribers: 10_000,
  stores: /** @type {Array<'sqlite' | 'postgres'>} */ (['sqlite', 'postgres']),
  parts: /** @type {Array<'orders' | 'keys' | 'sse'>} */ (['orders', 'keys', 'sse']),
});

/** Why a part stopped, with the server's own line when it would not start. @param {unknown} error */
const why = (error) => (error instanceof StartError ? `${error.message}: ${error.reason}` : message(error));

/**
 * @param {GrowthContext} context
 * @returns {Promise<{ rows: GrowthRow[], markdown: string }>}
 */
export async function runGrowth(context) {
  const started = Date.now();
  const { options, log } = context;
  const growth = { ...GROWTH_DEFAULTS, ...options.growth };
  const root = context.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  if (!existsSync(join(root, 'dist/apps/api/main.js'))) {
    throw new Error('growth rows: dist/apps/api/main.js is missing: run npx nx run api:build');
  }
  /** @type {import('./growth/row.mjs').Timing} */
  const timing = {
    connections: options.connections[0] ?? 64,
    warmup: growth.warmup ?? Math.min(options.warmup, 1),
    seconds: growth.duration ?? Math.min(options.duration, 5),
  };
  const scale = { orders: growth.orders, keys: growth.keys, subscribers: growth.subscribers };
  const workDir = mkdtempSync(join(tmpdir(), 'gtd-growth-'));
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  /** @type {GrowthRow[]} */
  const rows = [];
  /** @type {string[]} */
  const notes = [];
  try {
    const servers = growthServers({ root, workDir, webRoot: context.webRoot, pin: options.pin, runId });
    const storeParts = growth.parts.filter((p) => p !== 'sse');
    if (storeParts.length > 0) {
      for (const store of growth.stores) {
        const problem = store === 'postgres' ? await postgresProblem() : undefined;
        if (problem) {
          log(`• growth: skipping ${store}: ${problem}`);
          notes.push(`${store} skipped: ${problem}`);
          continue;
        }
        try {
          rows.push(...(await storeRows({ servers, store, scale, parts: storeParts, timing, log })));
        } catch (error) {
          log(`  growth ${store} failed: ${why(error)}`);
          notes.push(`${store} rows stopped: ${why(error)}`);
        }
      }
    }
    if (growth.parts.includes('sse')) {
      try {
        const sse = await sseRows({ servers, subscribers: scale.subscribers, timing, log });
        rows.push(...sse.rows);
        notes.push(...sse.notes);
      } catch (error) {
        log(`  growth SSE rows failed: ${why(error)}`);
        notes.push(`SSE rows stopped: ${why(error)}`);
      }
    }
    for (const row of rows) {
      if (row.stock && !row.stock.pass) {
        notes.push(
          `${row.store} ${row.scenario}: ${row.stock.before - row.stock.after} units gone but ${row.stock.created} × 201`,
        );
      }
    }
    const markdown = growthMarkdown({
      rows,
      notes,
      timing,
      scale,
      pinning: servers.pinning,
      elapsedMs: Date.now() - started,
    });
    log(`• growth rows took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { rows, markdown };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
