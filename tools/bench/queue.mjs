#!/usr/bin/env node
// The queue scenario (`npm run bench -- --scenarios queue`, or `node tools/bench/queue.mjs`): a
// waiting room in front of a drop, a crowd of simulated visitors reaching it through a real caching
// edge (nginx). Measures what the crowd costs the origin while it waits and at the opening, how many
// purchases each unit takes, how late "sold out" reaches the last visitor, and checks the stock.
// Writes tools/bench/results/queue.{md,json}. A benchmark, not a test: it fails only on a stock
// mismatch or when it cannot run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queueMarkdown } from './lib/queue/markdown.mjs';
import { runQueue } from './lib/queue/run.mjs';
import { machineFacts, pretty } from './lib/report.mjs';
import { stopAllServers } from './lib/servers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const DEFAULTS = {
  visitors: [10_000, 100_000],
  stock: 1000,
  connections: 64,
  statusConnections: 256,
  waitSeconds: 5,
  // Long enough for 100,000 positions to be fetched at the opening on a busy 2-core machine.
  openTimeoutSeconds: 420,
  tailSeconds: 60,
  // Not the default SQLite: there every join is a transaction of its own, fsynced on the event
  // loop (3 ms a commit where measured), so joins cap near 300/s and stall everything else.
  store: 'memory',
};

const USAGE = `Usage: node tools/bench/queue.mjs [options]   (or: npm run bench -- --scenarios queue [options])

  --visitors <list>        crowd sizes, one run each (default ${DEFAULTS.visitors.join(',')})
  --stock <n>              units of the drop (default ${DEFAULTS.stock})
  --connections <n>        the crowd's connections to the edge for joins, positions, passes and buys
                           (default ${DEFAULTS.connections})
  --status-connections <n> its connections for the status polls (default ${DEFAULTS.statusConnections})
  --join-seconds <s>       joins spread over this (default: visitors / 2,500, at least 4)
  --wait <s>               everyone joined, before the opening (default ${DEFAULTS.waitSeconds})
  --poll-interval <ms>     the origin's POLL_INTERVAL_MS, i.e. the status's pollAfterMs (default its own, 1000)
  --pass-lifetime <s>      the queue's passLifetimeSeconds (default the API's, 300)
  --store <kind>           STORE of the origin (default ${DEFAULTS.store})
  --no-build               use dist/apps/api as it is (default: npx nx run api:build first)
  --out <name>             results/<name>.{md,json} (default queue)`;

/** @param {string} flag @param {string | undefined} value */
function positive(flag, value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got "${value}"`);
  return n;
}

/** @param {string[]} argv */
export function parseQueueOptions(argv) {
  const options = {
    ...DEFAULTS,
    /** @type {number | undefined} */
    joinSeconds: undefined,
    /** @type {number | undefined} */
    pollIntervalMs: undefined,
    /** @type {number | undefined} */
    passLifetimeSeconds: undefined,
    build: true,
    out: 'queue',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    switch (flag) {
      case '--visitors':
        options.visitors = next()
          .split(',')
          .map((v) => positive(flag, v));
        break;
      case '--stock':
        options.stock = positive(flag, next());
        break;
      case '--connections':
        options.connections = positive(flag, next());
        break;
      case '--status-connections':
        options.statusConnections = positive(flag, next());
        break;
      case '--join-seconds':
        options.joinSeconds = positive(flag, next());
        break;
      case '--wait':
        options.waitSeconds = positive(flag, next());
        break;
      case '--poll-interval':
        options.pollIntervalMs = positive(flag, next());
        break;
      case '--pass-lifetime':
        options.passLifetimeSeconds = positive(flag, next());
        break;
      case '--store':
        options.store = next();
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--out':
        options.out = next();
        break;
      case '--help':
      case '-h':
        return undefined;
      default:
        throw new Error(`unknown option "${flag}"\n\n${USAGE}`);
    }
  }
  return options;
}

/** @param {string} text */
const log = (text) => process.stdout.write(`${text}\n`);

/** @param {string[]} argv  the flags, without `--scenarios queue` */
export async function runQueueBench(argv) {
  const options = parseQueueOptions(argv);
  if (!options) {
    log(USAGE);
    return 0;
  }
  if (options.build) {
    log('• building the API: npx nx run api:build');
    const result = spawnSync('npx', ['nx', 'run', 'api:build'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('npx nx run api:build failed');
  }
  const workDir = mkdtempSync(join(tmpdir(), 'gtd-bench-queue-'));
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, async () => {
      log(`\n${signal}: stopping servers`);
      await stopAllServers();
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const runs = [];
  try {
    for (const visitors of options.visitors) {
      const run = await runQueue({
        visitors,
        stock: options.stock,
        connections: options.connections,
        statusConnections: options.statusConnections,
        joinSeconds: options.joinSeconds ?? Math.max(4, visitors / 2500),
        waitSeconds: options.waitSeconds,
        openTimeoutSeconds: DEFAULTS.openTimeoutSeconds,
        tailSeconds: DEFAULTS.tailSeconds,
        store: options.store,
        pollIntervalMs: options.pollIntervalMs,
        passLifetimeSeconds: options.passLifetimeSeconds,
        root: ROOT,
        serverMain: join(ROOT, 'dist/apps/api/main.js'),
        workDir,
        log,
      });
      runs.push(run);
      log(
        `  ${visitors} visitors: wait ${run.phases.wait.originPerSecond.total} origin req/s, opening ` +
          `${run.phases.opening.originPerSecond.total} req/s, ${run.buyAttemptsPerUnitSold} buys/unit, ` +
          `sold out seen ≤ ${run.soldOutSeenAfterLastSaleMs.max} ms after the last sale, ` +
          `sold ${run.stockCheck.soldByOrigin}/${run.stockCheck.stock} ${run.stockCheck.pass ? 'PASS' : 'FAIL'}`,
      );
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const notes = [
    'The machine is shared (other work may run beside the bench); nothing is pinned: the origin, nginx and the load generator share the cores.',
    'Visitors revalidate the status with the ETag they hold (If-None-Match), as a browser does under max-age=0; a 304 from the edge costs the origin nothing.',
  ];
  const report = {
    command: ['node tools/bench/queue.mjs', ...argv].join(' '),
    machine: machineFacts(ROOT),
    runs,
    notes,
  };
  const md = join(HERE, 'results', `${options.out}.md`);
  const json = join(HERE, 'results', `${options.out}.json`);
  const text = await pretty(queueMarkdown(report), md, 'markdown');
  writeFileSync(md, text);
  writeFileSync(json, await pretty(JSON.stringify(report, null, 2), json, 'json'));
  log('');
  log(text);
  log(`• wrote ${relative(ROOT, md)} and ${relative(ROOT, json)}`);
  return runs.every((r) => r.stockCheck.pass) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runQueueBench(process.argv.slice(2)).then(
    (code) => process.exit(code),
    async (error) => {
      process.stderr.write(`queue bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      await stopAllServers().catch(() => undefined);
      process.exit(2);
    },
  );
}
