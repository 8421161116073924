#!/usr/bin/env node
// `npm run bench`: drives the production API (one server per store configuration) and a bare
// node:http baseline with the same load in the same run, alternating between them row by row, and
// writes tools/bench/results/latest.{json,md}. A benchmark, not a test: it asserts nothing about
// speed; it fails only when a server oversold or the bench itself could not run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runLoad } from './lib/load.mjs';
import {
  BENCH_CATALOG,
  REFERENCE_NAMES,
  SCENARIOS,
  SERVER_CONFIGS,
  USAGE,
  parseOptions,
} from './lib/options.mjs';
import { machineFacts, writeReport } from './lib/report.mjs';
import { measureRow, medianRows, rowNotes } from './lib/rows.mjs';
import { deleteRedisKeys, dropDatabases, message, postgresProblem, redisProblem } from './lib/services.mjs';
import { findTaskset, groupRssKiB, pinSelf, settle, stopAllServers } from './lib/servers.mjs';
import { runSoak, SOAK_METRICS_TOKEN } from './lib/soak.mjs';
import { checkContract, startConfig, startFloor, startTargets } from './lib/targets.mjs';
import { writeStandInStorefront } from './lib/stand-in-storefront.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SERVER_MAIN = join(ROOT, 'dist/apps/api/main.js');
const BASELINE_MAIN = join(HERE, 'baseline-server.mjs');
const FLOOR_MAIN = join(HERE, 'floor-server.mjs');
const GROWTH_MODULE = join(HERE, 'lib/growth.mjs');
const RESULTS_DIR = join(HERE, 'results');

/** @typedef {import('./lib/rows.mjs').BenchRow} BenchRow */
/** @typedef {import('./lib/rows.mjs').OversellCheck} OversellCheck */

/** @param {string} text */
const log = (text) => process.stdout.write(`${text}\n`);

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
  const argv = process.argv.slice(2);
  // The queue scenario is a crowd behind an edge, not an autocannon row: it has a runner of its own.
  const scenariosAt = argv.indexOf('--scenarios');
  if (scenariosAt >= 0 && argv[scenariosAt + 1] === 'queue') {
    const { runQueueBench } = await import('./queue.mjs');
    return runQueueBench([...argv.slice(0, scenariosAt), ...argv.slice(scenariosAt + 2)]);
  }
  const parsed = parseOptions(argv);
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
    const webRoot = writeStandInStorefront(join(workDir, 'web-root'));

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

    /** @type {import('./lib/targets.mjs').TargetsContext} */
    const targetsContext = {
      options,
      root: ROOT,
      serverMain: SERVER_MAIN,
      baselineMain: BASELINE_MAIN,
      floorMain: FLOOR_MAIN,
      workDir,
      catalogPath,
      webRoot,
      runId,
      pin: (workers) => (pinned ? { taskset, cpus: serverCpus(workers) } : undefined),
      serviceProblems,
      build,
      log,
    };
    const { targets, serverReports } = await startTargets(targetsContext);
    await checkContract(targets, options.scenarios, notes);
    // The baseline and the floors have no sign-in: a row with a sign-in crowd would measure a crowd
    // of cheap 404s.
    /** @param {import('./lib/options.mjs').Scenario} scenario @param {string} name */
    const measures = (scenario, name) => !(REFERENCE_NAMES.includes(name) && scenario.background);

    // A fresh process runs cold (JIT, first garbage collections, lazily opened connections): one round
    // of every scenario before any row keeps that out of the first row of each server.
    if (options.warmup > 0) {
      log('• warming up every server');
      for (const { name, server } of targets) {
        for (const scenario of options.scenarios.filter((s) => measures(s, name))) {
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

    /** @type {Array<BenchRow | { scenario: string, connections: number, server: string, skipped: string }>} */
    const rows = [];
    /** @type {OversellCheck[]} */
    const oversell = [];
    const total =
      options.repeat *
      options.connections.length *
      options.scenarios.reduce((n, s) => n + targets.filter((t) => measures(s, t.name)).length, 0);
    const perRow = options.duration + options.warmup + 0.8;
    log(
      `• ${total} rows × ~${perRow.toFixed(1)} s ≈ ${Math.ceil((total * perRow) / 60)} min ` +
        `(${options.duration} s measured + ${options.warmup} s warm-up each)` +
        `${options.soak === undefined ? '' : `, then a ${options.soak} s soak`}` +
        `${options.growth ? ', then the growth rows (if lib/growth.mjs exists)' : ''}`,
    );
    let index = 0;
    for (const scenario of options.scenarios) {
      for (const connections of options.connections) {
        /** Each round's rows of this scenario × connections, by server name. */
        /** @type {Map<string, BenchRow[]>} */
        const rounds = new Map();
        for (let round = 1; round <= options.repeat; round++) {
          /** @type {number | undefined} */
          let baselineRate;
          /** The floor rows of this round, by name. */
          /** @type {Map<string, BenchRow>} */
          const floors = new Map();
          for (const { name, server, kind, floor } of targets) {
            // The rows a reference server sits out are not in `total` either.
            if (!measures(scenario, name)) continue;
            index++;
            const prefix = `[${String(index).padStart(String(total).length)}/${total}] ${scenario.name.padEnd(8)} c=${String(connections).padEnd(3)} ${name.padEnd(14)}`;
            if (!server.alive()) {
              const reason = `server exited: ${server.output().split('\n').filter(Boolean).at(-1) ?? ''}`;
              log(`${prefix} skipped (${reason})`);
              if (round === 1)
                rows.push({ scenario: scenario.name, connections, server: name, skipped: reason });
              continue;
            }
            const measured = await measureRow({
              name,
              server,
              scenario,
              connections,
              options,
              baselineRate,
              floor: floor === undefined ? undefined : floors.get(floor),
            });
            if (kind === 'baseline') baselineRate = measured.row.requestsPerSecond;
            if (kind === 'floor') floors.set(name, measured.row);
            if (measured.row.oversell) oversell.push(measured.row.oversell);
            if (measured.failed) exitCode = 1;
            notes.push(...measured.notes);
            rounds.set(name, [...(rounds.get(name) ?? []), measured.row]);
            log(`${prefix}${measured.text}`);
          }
        }
        rows.push(...medianRows(rounds, targets));
      }
    }

    for (const { name, server } of targets) {
      if (!server.alive()) notes.push(`${name} exited during the run: ${server.output().slice(-500)}`);
    }
    notes.push(...rowNotes(/** @type {BenchRow[]} */ (rows.filter((r) => !('skipped' in r)))));

    /** @type {import('./lib/soak.mjs').SoakReport | { server: string, skipped: string } | undefined} */
    let soak;
    if (options.soak !== undefined) {
      const config = options.soakConfig;
      log(`• soak: ${options.soak} s of rush on a fresh ${config.name} server, RSS every 5 s`);
      const started = await startConfig(targetsContext, config, { METRICS_TOKEN: SOAK_METRICS_TOKEN });
      if ('skipped' in started) {
        soak = { server: config.name, skipped: started.skipped };
      } else {
        try {
          soak = await runSoak({
            name: config.name,
            description: started.description,
            server: started.server,
            seconds: options.soak,
            connections: options.connections[0],
            log,
          });
          oversell.push(soak.oversell);
          if (!soak.oversell.pass) exitCode = 1;
          const { rss } = soak;
          log(
            `  soak ${config.name}: ${Math.round(soak.requestsPerSecond)} req/s, RSS ${rss.startMiB} → ` +
              `${rss.referenceMiB} (at ${rss.referenceAtS} s) → ${rss.endMiB} MiB, end / ${rss.referenceAtS} s ` +
              `${rss.ratio}× (goal ≤ ${rss.goal}×), sold ${soak.oversell.stockChange} = ${soak.oversell.created} × 201: ` +
              `${soak.oversell.pass ? 'PASS' : 'FAIL'}`,
          );
        } finally {
          await started.server.stop();
        }
      }
    }

    const growth = options.growth
      ? await runGrowthRows({
          options,
          targetsContext,
          targets,
          notes,
          oversell,
          onFailure: () => (exitCode = 1),
        })
      : undefined;

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
        repeat: options.repeat,
        connections: options.connections,
        scenarios: options.scenarios.map((s) => s.name),
        stores: options.configs.map((c) => c.name),
        pipelining: 1,
        soak: options.soak,
        soakStore: options.soak === undefined ? undefined : options.soakConfig.name,
        growth: options.growth,
      },
      scenarios: options.scenarios.map(({ name, description }) => ({ name, description })),
      servers: serverReports,
      rows,
      oversell,
      soak,
      growth,
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

/**
 * The growth rows (issue 12, item 5) live in lib/growth.mjs, written separately: when that module
 * exists, its `runGrowth(context)` runs after the soak and returns rows and a Markdown section. The
 * context is documented in README.md ("Growth rows"). A failing module is a note, not a lost run.
 * @param {object} spec
 * @param {import('./lib/options.mjs').BenchOptions} spec.options
 * @param {import('./lib/targets.mjs').TargetsContext} spec.targetsContext
 * @param {import('./lib/targets.mjs').Target[]} spec.targets
 * @param {string[]} spec.notes
 * @param {OversellCheck[]} spec.oversell
 * @param {() => void} spec.onFailure  a growth row oversold
 * @returns {Promise<{ rows: any[], markdown: string } | { skipped: string } | undefined>}
 */
async function runGrowthRows({ options, targetsContext, targets, notes, oversell, onFailure }) {
  if (!existsSync(GROWTH_MODULE)) {
    log('• growth rows: lib/growth.mjs not present, skipped');
    return undefined;
  }
  log('• growth rows (lib/growth.mjs)');
  /** @type {Array<{ stop: () => Promise<void> }>} */
  const started = [];
  const context = {
    options,
    /**
     * A fresh production server of one SERVER_CONFIGS entry, with its own database / Redis prefix /
     * SQLite file, pinned like the others; `env` is added last (it may set SQLITE_PATH,
     * DATABASE_URL or REDIS_PREFIX to use prepared data instead of fresh). Throws when it cannot
     * start. Stop it with `server.stop()`; the bench stops any left running.
     * @param {string | import('./lib/options.mjs').ServerConfig} config @param {Record<string, string>} [env]
     */
    startServer: async (config, env = {}) => {
      const chosen = typeof config === 'string' ? SERVER_CONFIGS.find((c) => c.name === config) : config;
      if (!chosen) throw new Error(`growth: unknown server config "${config}"`);
      const result = await startConfig(targetsContext, chosen, env);
      if ('skipped' in result) throw new Error(`${chosen.name} could not start: ${result.skipped}`);
      started.push(result.server);
      return result.server;
    },
    /** @param {import('./lib/options.mjs').Adapter} adapter */
    startFloor: async (adapter) => {
      const server = await startFloor(targetsContext, adapter);
      started.push(server);
      return server;
    },
    /**
     * One measured row, exactly as the table's: the oversell check after a rush included.
     * @param {{ name: string, server: import('./lib/servers.mjs').RunningServer,
     *   scenario: string | import('./lib/options.mjs').Scenario, connections?: number,
     *   floor?: BenchRow, baselineRate?: number }} spec
     * @returns {Promise<BenchRow>}
     */
    autocannonRow: async (spec) => {
      const scenario =
        typeof spec.scenario === 'string' ? SCENARIOS.find((s) => s.name === spec.scenario) : spec.scenario;
      if (!scenario) throw new Error(`growth: unknown scenario "${spec.scenario}"`);
      const measured = await measureRow({
        name: spec.name,
        server: spec.server,
        scenario,
        connections: spec.connections ?? options.connections[0],
        options,
        baselineRate: spec.baselineRate,
        floor: spec.floor,
      });
      notes.push(...measured.notes);
      if (measured.row.oversell) oversell.push(measured.row.oversell);
      if (measured.failed) onFailure();
      log(`  growth ${spec.name} ${scenario.name}${measured.text}`);
      return measured.row;
    },
    /** @param {import('./lib/servers.mjs').RunningServer} server */
    rssKiB: (server) => groupRssKiB(server.pid),
    settle,
    scenarios: SCENARIOS,
    targets,
    catalogPath: targetsContext.catalogPath,
    workDir: targetsContext.workDir,
    root: ROOT,
    serverMain: SERVER_MAIN,
    runId: targetsContext.runId,
    log,
  };
  try {
    // By URL, so the type-check does not need the module to exist.
    const { runGrowth } = await import(pathToFileURL(GROWTH_MODULE).href);
    const result = await runGrowth(context);
    return { rows: result?.rows ?? [], markdown: result?.markdown ?? '' };
  } catch (error) {
    const reason = `growth rows failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    log(`  ${reason}`);
    notes.push(reason.split('\n')[0]);
    return { skipped: reason.split('\n')[0] };
  } finally {
    for (const server of started) await server.stop();
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
