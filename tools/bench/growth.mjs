#!/usr/bin/env node
// The growth rows on their own (`node tools/bench/growth.mjs`): the same runGrowth that
// `npm run bench` calls after its main scenarios, with flags for a smaller scale while developing.
// Writes tools/bench/results/growth.{md,json}.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { GROWTH_DEFAULTS, runGrowth } from './lib/growth.mjs';
import { dropGrowthDatabases } from './lib/growth/server.mjs';
import { findTaskset, pinSelf, stopAllServers } from './lib/servers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const USAGE = `Usage: node tools/bench/growth.mjs [options]

  --orders <n>        orders seeded before the "stored" rows (default ${GROWTH_DEFAULTS.orders})
  --keys <n>          idempotency keys seeded on top (default ${GROWTH_DEFAULTS.keys})
  --subscribers <n>   SSE subscribers held open (default ${GROWTH_DEFAULTS.subscribers})
  --stores <list>     sqlite,postgres (default both)
  --parts <list>      orders,keys,sse (default all)
  --duration <s>      seconds measured per row (default 5)
  --warmup <s>        seconds of warm-up per row (default 1)
  --connections <n>   default 64
  --no-build          use dist/apps/api as it is (default: npx nx run api:build first)
  --no-pin            do not pin the servers to CPU 0 and this process to CPU 1
  --out <name>        results/<name>.{md,json} (default growth)`;

/** @param {string} flag @param {string | undefined} value */
function number(flag, value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got "${value}"`);
  return n;
}

/** @param {string[]} argv */
function parse(argv) {
  /** @type {import('./lib/growth.mjs').GrowthOptions} */
  const growth = {};
  const options = {
    duration: 5,
    warmup: 1,
    connections: [64],
    pin: true,
    build: true,
    out: 'growth',
    growth,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    switch (flag) {
      case '--orders':
        growth.orders = number(flag, next());
        break;
      case '--keys':
        growth.keys = number(flag, next());
        break;
      case '--subscribers':
        growth.subscribers = number(flag, next());
        break;
      case '--stores':
        growth.stores = /** @type {Array<'sqlite' | 'postgres'>} */ (next().split(','));
        break;
      case '--parts':
        growth.parts = /** @type {Array<'orders' | 'keys' | 'sse'>} */ (next().split(','));
        break;
      case '--duration':
        options.duration = number(flag, next());
        break;
      case '--warmup':
        options.warmup = number(flag, next());
        break;
      case '--connections':
        options.connections = [number(flag, next())];
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--no-pin':
        options.pin = false;
        break;
      case '--out':
        options.out = next();
        break;
      case '--help':
        return undefined;
      default:
        throw new Error(`unknown option "${flag}"\n\n${USAGE}`);
    }
  }
  return options;
}

/** @param {string} text */
const log = (text) => process.stdout.write(`${text}\n`);

async function main() {
  const options = parse(process.argv.slice(2));
  if (!options) {
    log(USAGE);
    return 0;
  }
  if (options.build) {
    log('• building the API: npx nx run api:build');
    const result = spawnSync('npx', ['nx', 'run', 'api:build'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('npx nx run api:build failed');
  }
  const taskset = options.pin ? findTaskset() : undefined;
  if (taskset && cpus().length >= 2) pinSelf(taskset, '1');
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, async () => {
      log(`\n${signal}: stopping servers and dropping databases`);
      await stopAllServers();
      await dropGrowthDatabases();
      process.exit(130);
    });
  }
  const { rows, markdown } = await runGrowth({ options, log });
  const md = join(HERE, 'results', `${options.out}.md`);
  const json = join(HERE, 'results', `${options.out}.json`);
  writeFileSync(md, `${markdown}\n`);
  writeFileSync(
    json,
    `${JSON.stringify({ date: new Date().toISOString(), command: process.argv.slice(1).join(' '), rows }, null, 2)}\n`,
  );
  log('');
  log(markdown);
  log(`• wrote ${relative(ROOT, md)} and ${relative(ROOT, json)}`);
  return rows.some((r) => r.stock && !r.stock.pass) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    process.stderr.write(`growth failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    await stopAllServers().catch(() => undefined);
    await dropGrowthDatabases();
    process.exit(2);
  },
);
