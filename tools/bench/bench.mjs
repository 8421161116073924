#!/usr/bin/env node
// `npm run bench`: drives the production API (one server per store configuration) and a bare
// node:http baseline with the same load in the same run, alternating between them row by row, and
// writes tools/bench/results/latest.{json,md}. A benchmark, not a test: it asserts nothing about
// speed; it fails only when a server oversold or the bench itself could not run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, round } from './lib/load.mjs';
import {
  BASELINE_NAME,
  BENCH_CATALOG,
  RUSH_PRODUCT,
  SOLD_OUT_PRODUCT,
  USAGE,
  parseOptions,
} from './lib/options.mjs';
import { machineFacts, writeReport } from './lib/report.mjs';
import {
  createDatabase,
  deleteRedisKeys,
  dropDatabases,
  message,
  postgresProblem,
  REDIS_URL,
  redisProblem,
  useRedisPrefix,
} from './lib/services.mjs';
import {
  StartError,
  findTaskset,
  groupCpuSeconds,
  groupSize,
  httpJson,
  machineBusySeconds,
  pinSelf,
  settle,
  sleep,
  startServer,
  stopAllServers,
} from './lib/servers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SERVER_MAIN = join(ROOT, 'dist/apps/api/main.js');
const BASELINE_MAIN = join(HERE, 'baseline-server.mjs');
const RESULTS_DIR = join(HERE, 'results');

/**
 * Variables the API reads: the bench's own environment never leaks them into a server. The list
 * lives in the contracts (TypeScript, kept in step with the API's validated environment by a spec);
 * the bench is plain JavaScript, so it reads the names out of that file.
 */
const API_VARIABLES = [
  ...readFileSync(join(ROOT, 'libs/shared/contracts/src/lib/environment.ts'), 'utf8').matchAll(
    /'([A-Z][A-Z_]+)'/g,
  ),
].map((match) => match[1]);

/**
 * One measured row of the report.
 * @typedef {object} BenchRow
 * @property {string} scenario
 * @property {number} connections
 * @property {string} server
 * @property {number} requestsPerSecond
 * @property {number | undefined} ratioToBaseline  req/s over the baseline's in the same scenario × connections
 * @property {import('./lib/load.mjs').LoadResult['latencyMs']} latencyMs
 * @property {number} responses
 * @property {Record<string, number>} statuses
 * @property {number} expectedNon2xx  the 409s of the sold-out hammer
 * @property {number} unexpected  answers with any other status than the scenario's own
 * @property {number} errors
 * @property {number} timeouts
 * @property {number} seconds
 * @property {boolean} drained
 * @property {number | undefined} serverCpuPercent
 * @property {number} loadCpuPercent
 * @property {number | undefined} otherCpuPercent
 * @property {import('./lib/load.mjs').LoadResult['over1s']} over1s
 * @property {import('./lib/load.mjs').LoadResult['warmup']} warmup  the warm-up on the same connections
 * @property {number} settleMs  how long the server stayed busy after the load stopped
 * @property {OversellCheck | undefined} oversell
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

/** @param {string} text */
const log = (text) => process.stdout.write(`${text}\n`);
/** @param {number} n */
const int = (n) => Math.round(n).toLocaleString('en-US');

function build() {
  log('• building the API: npx nx run api:build');
  const started = Date.now();
  const result = spawnSync('npx', ['nx', 'run', 'api:build'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false', FORCE_COLOR: '0' },
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}\n${result.stderr}\n`);
    throw new Error('npx nx run api:build failed');
  }
  const cached = /existing outputs match the cache|read the output from the cache/.test(result.stdout);
  log(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s${cached ? ' (from the Nx cache)' : ''}`);
}

async function main() {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    log(USAGE);
    return 0;
  }
  const options = parsed;
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const command = [
    'npm run bench',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  /** @type {string[]} */
  const notes = [];
  let exitCode = 0;

  if (options.build) build();
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run npx nx run api:build`);

  const workDir = mkdtempSync(join(tmpdir(), 'gtd-bench-'));
  /** @type {() => Promise<void>} */
  let cleanup = async () => undefined;
  const interrupted = new Promise((resolveSignal) => {
    for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
      process.once(signal, () => resolveSignal(signal));
    }
  }).then(async (signal) => {
    log(`\n${signal}: stopping servers and cleaning up`);
    await cleanup();
    process.exit(130);
  });
  void interrupted;

  cleanup = async () => {
    await stopAllServers();
    const failures = await dropDatabases().catch((error) => [message(error)]);
    for (const failure of failures) log(`  could not drop database ${failure}`);
    try {
      const deleted = await deleteRedisKeys();
      if (deleted > 0) log(`  deleted ${deleted} Redis keys`);
    } catch (error) {
      log(`  could not delete Redis keys: ${message(error)}`);
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const catalogPath = join(workDir, 'catalog.json');
    writeFileSync(catalogPath, JSON.stringify(BENCH_CATALOG, null, 2));
    const webRoot = join(workDir, 'web-root');
    mkdirSync(webRoot);

    // Pinning: servers on core 0, this process (the load generator) on core 1.
    const taskset = options.pin ? findTaskset() : undefined;
    const cores = (await import('node:os')).availableParallelism();
    const pinned = taskset !== undefined && cores >= 2;
    /** @param {number} workers */
    const serverCpus = (workers) => (workers <= 1 ? '0' : `0-${Math.min(workers, cores) - 1}`);
    let pinning;
    if (pinned) {
      pinSelf(taskset, '1');
      pinning = 'servers pinned to CPU 0 (WORKERS=N: CPUs 0…N−1), load generator pinned to CPU 1 (taskset)';
      if (options.configs.some((c) => c.workers >= cores)) {
        notes.push(
          `With ${cores} cores, WORKERS≥${cores} servers get every core, so they share CPU 1 with the load generator.`,
        );
      }
    } else {
      pinning = !options.pin
        ? 'no CPU pinning (--no-pin)'
        : taskset === undefined
          ? 'no CPU pinning (taskset not found): server and load generator share the cores'
          : 'no CPU pinning (one core)';
    }
    log(`• ${pinning}`);

    const needsPostgres = options.configs.some((c) => c.needs.includes('postgres'));
    const needsRedis = options.configs.some((c) => c.needs.includes('redis'));
    const serviceProblems = {
      postgres: needsPostgres ? await postgresProblem() : undefined,
      redis: needsRedis ? await redisProblem() : undefined,
    };

    /** @type {any[]} */
    const serverReports = [];
    /** @type {Array<{ name: string, server: import('./lib/servers.mjs').RunningServer }>} */
    const targets = [];

    log('• starting the baseline');
    const baseline = await startServer({
      label: BASELINE_NAME,
      script: BASELINE_MAIN,
      cwd: ROOT,
      env: { CATALOG: catalogPath, MAX_QUANTITY_PER_PURCHASE: '10', NODE_ENV: 'production' },
      scrub: API_VARIABLES,
      pin: pinned ? { taskset, cpus: serverCpus(1) } : undefined,
    });
    targets.push({ name: BASELINE_NAME, server: baseline });
    serverReports.push({
      name: BASELINE_NAME,
      status: 'ok',
      description: `bare node:http, same contract, in memory (${relative(ROOT, BASELINE_MAIN)})`,
    });

    let rebuilt = false;
    for (const config of options.configs) {
      const envText = `STORE=${config.store} WORKERS=${config.workers}${Object.entries(config.env ?? {})
        .map(([k, v]) => ` ${k}=${v}`)
        .join('')}`;
      const description = `production build (dist/apps/api/main.js), ${envText}`;
      const missing = config.needs.map((service) => serviceProblems[service]).find(Boolean);
      if (missing) {
        log(`• skipping ${config.name}: ${missing}`);
        serverReports.push({ name: config.name, status: 'skipped', description, note: missing });
        continue;
      }
      /** @type {Record<string, string>} */
      const env = {
        STORE: config.store,
        WORKERS: String(config.workers),
        CATALOG: catalogPath,
        WEB_ROOT: webRoot,
        MAX_QUANTITY_PER_PURCHASE: '10',
        SHUTDOWN_TIMEOUT_MS: '3000',
        // The load comes from one address: the buy rate limit would measure the limiter, not the purchase.
        BUY_RATE_LIMIT: '0',
        NODE_ENV: 'production',
        ...config.env,
      };
      const slug = config.name.replace(/[^a-z0-9]/g, '_');
      if (config.store === 'sqlite') {
        const dir = join(workDir, `sqlite-${slug}`);
        mkdirSync(dir);
        env.SQLITE_PATH = join(dir, 'drop.sqlite');
      }
      log(`• starting ${config.name} (${envText})`);
      let server;
      for (let attempt = 1; attempt <= 2 && !server; attempt++) {
        try {
          if (config.needs.includes('postgres')) {
            env.DATABASE_URL = await createDatabase(`gtd_bench_${runId}_${slug}_${attempt}`);
          }
          if (config.needs.includes('redis')) {
            env.REDIS_URL = REDIS_URL;
            env.REDIS_PREFIX = `bench:${runId}:${slug}:${attempt}:`;
            useRedisPrefix(env.REDIS_PREFIX);
          }
          server = await startServer({
            label: config.name,
            script: SERVER_MAIN,
            cwd: ROOT,
            env,
            scrub: API_VARIABLES,
            pin: pinned ? { taskset, cpus: serverCpus(config.workers) } : undefined,
          });
        } catch (error) {
          if (!(error instanceof StartError)) throw error;
          // Someone may be rebuilding dist/apps/api right now: rebuild once and retry.
          if (error.moduleNotFound && attempt === 1 && !rebuilt) {
            log(`  ${error.reason}: rebuilding and retrying`);
            build();
            rebuilt = true;
            continue;
          }
          const note = `${config.name} not supported by this build: ${error.message}: ${error.reason}`;
          log(`  skipped: ${note}`);
          serverReports.push({ name: config.name, status: 'skipped', description, note });
          break;
        }
      }
      if (!server) continue;
      if (config.workers > 1) {
        // Health answers as soon as one process listens; give the others a moment to fork.
        let processes = groupSize(server.pid) ?? 0;
        for (let i = 0; i < 50 && processes < config.workers; i++) {
          await sleep(100);
          processes = groupSize(server.pid) ?? 0;
        }
        if (processes < config.workers) {
          const note = `WORKERS=${config.workers} not supported by this build (it started ${processes} process)`;
          log(`  skipped: ${note}`);
          serverReports.push({ name: config.name, status: 'skipped', description, note });
          await server.stop();
          continue;
        }
      }
      targets.push({ name: config.name, server });
      serverReports.push({ name: config.name, status: 'ok', description });
    }

    // One request of each kind first: a server that answers the contract wrongly is flagged.
    for (const { name, server } of targets) {
      for (const scenario of options.scenarios) {
        const answer = await httpJson(server.url + scenario.path, {
          method: scenario.method,
          body: scenario.body,
        });
        const codeOk = !scenario.expectedCode || answer.body?.code === scenario.expectedCode;
        if (answer.status !== scenario.expectedStatus || !codeOk) {
          notes.push(
            `${name}: ${scenario.method} ${scenario.path} answered ${answer.status} ${answer.text.slice(0, 200)} ` +
              `(expected ${scenario.expectedStatus}${scenario.expectedCode ? ` ${scenario.expectedCode}` : ''})`,
          );
        }
      }
    }

    // A fresh process runs cold (JIT, first garbage collections, lazily opened connections): one round
    // of every scenario before any row keeps that out of the first row of each server.
    if (options.warmup > 0) {
      log('• warming up every server');
      for (const { server } of targets) {
        for (const scenario of options.scenarios) {
          await runLoad({
            url: server.url,
            scenario,
            connections: options.connections[0],
            warmup: 0,
            seconds: options.warmup,
          });
        }
        await settle(server, 5000);
      }
    }

    /** @param {import('./lib/servers.mjs').RunningServer} server @param {number} productId */
    const stockOf = async (server, productId) => {
      const answer = await httpJson(`${server.url}/products/${productId}/inventory`);
      if (answer.status !== 200 || typeof answer.body?.available !== 'number') {
        throw new Error(`${server.label}: GET /products/${productId}/inventory answered ${answer.status}`);
      }
      return /** @type {number} */ (answer.body.available);
    };

    /** @type {Array<BenchRow | { scenario: string, connections: number, server: string, skipped: string }>} */
    const rows = [];
    /** @type {OversellCheck[]} */
    const oversell = [];
    const total = options.scenarios.length * options.connections.length * targets.length;
    const perRow = options.duration + options.warmup + 0.8;
    log(
      `• ${total} rows × ~${perRow.toFixed(1)} s ≈ ${Math.ceil((total * perRow) / 60)} min ` +
        `(${options.duration} s measured + ${options.warmup} s warm-up each)`,
    );
    let index = 0;
    for (const scenario of options.scenarios) {
      for (const connections of options.connections) {
        /** @type {number | undefined} */
        let baselineRate;
        for (const { name, server } of targets) {
          index++;
          const prefix = `[${String(index).padStart(String(total).length)}/${total}] ${scenario.name.padEnd(8)} c=${String(connections).padEnd(3)} ${name.padEnd(12)}`;
          if (!server.alive()) {
            const reason = `server exited: ${server.output().split('\n').filter(Boolean).at(-1) ?? ''}`;
            log(`${prefix} skipped (${reason})`);
            rows.push({ scenario: scenario.name, connections, server: name, skipped: reason });
            continue;
          }
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
          const unexpected = result.responses - expected;
          /** @type {BenchRow} */
          const row = {
            scenario: scenario.name,
            connections,
            server: name,
            requestsPerSecond: result.requestsPerSecond,
            ratioToBaseline: undefined,
            latencyMs: result.latencyMs,
            responses: result.responses,
            statuses: result.statuses,
            expectedNon2xx: scenario.expectedStatus >= 300 ? expected : 0,
            unexpected,
            errors: result.errors,
            timeouts: result.timeouts,
            seconds: result.seconds,
            drained: result.drained,
            serverCpuPercent:
              serverCpu === undefined ? undefined : round((serverCpu / result.seconds) * 100, 1),
            loadCpuPercent: round((result.loadCpuSeconds / result.seconds) * 100, 1),
            // Everything else the machine ran meanwhile (other processes, PostgreSQL, Redis, the kernel).
            otherCpuPercent:
              serverCpu === undefined || machineCpu === undefined
                ? undefined
                : round(
                    (Math.max(0, machineCpu - serverCpu - result.loadCpuSeconds) / result.seconds) * 100,
                    1,
                  ),
            over1s: result.over1s,
            warmup: result.warmup,
            settleMs,
            oversell: undefined,
          };
          if (name === BASELINE_NAME) baselineRate = result.requestsPerSecond;
          else if (baselineRate) row.ratioToBaseline = round(result.requestsPerSecond / baselineRate, 3);

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
            oversell.push(check);
            checkText = `  sold ${int(check.stockChange)} = ${int(created)} × 201: ${check.pass ? 'PASS' : 'FAIL'}`;
            if (!check.pass) exitCode = 1;
          }
          if (scenario.name === 'sold-out') {
            const left = await stockOf(server, SOLD_OUT_PRODUCT);
            if (left !== 0) {
              notes.push(
                `${name}: product ${SOLD_OUT_PRODUCT} shows ${left} available after the sold-out hammer`,
              );
              exitCode = 1;
            }
          }
          if (!result.drained) {
            notes.push(
              `${name} ${scenario.name} c=${connections}: some connections had no answer when the run ended`,
            );
          }
          rows.push(row);
          const l = result.latencyMs;
          log(
            `${prefix} ${int(result.requestsPerSecond).padStart(7)} req/s` +
              `${row.ratioToBaseline === undefined ? '' : `  ${row.ratioToBaseline.toFixed(2)}×`}` +
              `  p50 ${l.p50} p99 ${l.p99} max ${l.max} ms` +
              `  unexpected ${unexpected}  errors ${result.errors}` +
              `  cpu server ${row.serverCpuPercent ?? '?'}% load ${row.loadCpuPercent}% other ${row.otherCpuPercent ?? '?'}%` +
              `${result.over1s.count > 0 ? `  ${result.over1s.count} over 1 s (sent ${result.over1s.sentFromS}–${result.over1s.sentToS} s in)` : ''}` +
              `${result.warmup.maxMs > 1000 ? `  warm-up max ${int(result.warmup.maxMs)} ms` : ''}` +
              `${settleMs > 1000 ? `  settled in ${(settleMs / 1000).toFixed(1)} s` : ''}` +
              checkText,
          );
        }
      }
    }

    for (const { name, server } of targets) {
      if (!server.alive()) notes.push(`${name} exited during the run: ${server.output().slice(-500)}`);
    }
    const measured = /** @type {BenchRow[]} */ (rows.filter((r) => !('skipped' in r)));
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
    notes.push(
      'Absolute numbers depend on whatever else runs on the machine; compare ratios to the baseline of the same run.',
    );

    log('• stopping servers');
    await cleanup();
    cleanup = async () => undefined;

    const report = {
      command,
      machine: machineFacts(ROOT),
      pinning,
      options: {
        quick: options.quick,
        duration: options.duration,
        warmup: options.warmup,
        connections: options.connections,
        scenarios: options.scenarios.map((s) => s.name),
        stores: options.configs.map((c) => c.name),
        pipelining: 1,
      },
      scenarios: options.scenarios.map(({ name, description }) => ({ name, description })),
      servers: serverReports,
      rows,
      oversell,
      notes,
    };
    const written = await writeReport(RESULTS_DIR, report);
    log('');
    log(written.text);
    log(`• wrote ${relative(ROOT, written.md)} and ${relative(ROOT, written.json)}`);
    if (exitCode !== 0)
      log('• FAILED: a server sold a different amount than it answered 201 for (see above)');
    return exitCode;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    await stopAllServers().catch(() => undefined);
    process.exit(2);
  },
);
