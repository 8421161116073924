// The servers a run measures: the bare baseline, the minimal Nest floor of each adapter, then the
// production build once per server config, each skipped with a note when its services are missing
// or the build does not support it.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BASELINE_NAME, FLOOR_NAMES, adapterOf } from './options.mjs';
import { currentEtag } from './load.mjs';
import { createDatabase, REDIS_URL, useRedisPrefix } from './services.mjs';
import { StartError, groupSize, sleep, startServer } from './servers.mjs';
import testing from './testing.mjs';

const { send } = testing;

/**
 * @typedef {object} TargetsContext
 * @property {import('./options.mjs').BenchOptions} options
 * @property {string} root  the workspace root (the servers' working directory)
 * @property {string} serverMain  the API build
 * @property {string} baselineMain  the baseline server script
 * @property {string} floorMain  the floor server script (floor-server.mjs)
 * @property {string} workDir  this run's temp folder
 * @property {string} catalogPath
 * @property {string} webRoot  a stand-in storefront build (index.html and two assets)
 * @property {string} runId
 * @property {(workers: number) => { taskset: string, cpus: string } | undefined} pin
 * @property {{ postgres?: string, redis?: string }} serviceProblems  why a service cannot be used
 * @property {() => void} build  rebuilds the API
 * @property {(text: string) => void} log
 */

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {import('./servers.mjs').RunningServer} server
 * @property {'baseline' | 'floor' | 'product'} kind
 * @property {string} [floor]  the floor row a product row is compared with (same adapter)
 */

/** What starting one server config gave: a running server, or why it was skipped. */
/** @typedef {{ server: import('./servers.mjs').RunningServer, description: string } | { skipped: string, description: string }} Started */

/**
 * Starts the baseline, the floor of each adapter the configs use, and every server config;
 * resolves with those running and a report entry each.
 * @param {TargetsContext} context
 * @returns {Promise<{ targets: Target[], serverReports: any[] }>}
 */
export async function startTargets(context) {
  const { options, root, log } = context;
  /** @type {any[]} */
  const serverReports = [];
  /** @type {Target[]} */
  const targets = [];

  log('• starting the baseline');
  const baseline = await startServer({
    label: BASELINE_NAME,
    script: context.baselineMain,
    cwd: root,
    env: { CATALOG: context.catalogPath, MAX_QUANTITY_PER_PURCHASE: '10', NODE_ENV: 'production' },
    pin: context.pin(1),
  });
  targets.push({ name: BASELINE_NAME, server: baseline, kind: 'baseline' });
  serverReports.push({
    name: BASELINE_NAME,
    status: 'ok',
    description: `bare node:http, same contract, in memory (${relative(root, context.baselineMain)})`,
  });

  const adapters = [...new Set(options.configs.map(adapterOf))].sort();
  for (const adapter of adapters) {
    const name = FLOOR_NAMES[adapter];
    log(`• starting ${name}`);
    const server = await startFloor(context, adapter);
    targets.push({ name, server, kind: 'floor' });
    serverReports.push({
      name,
      status: 'ok',
      description:
        `minimal NestJS app on ${adapter}, the same routes from Maps, no validation, logging, throttling or ` +
        `store (${relative(root, context.floorMain)})`,
    });
  }

  for (const config of options.configs) {
    const started = await startConfig(context, config);
    if ('skipped' in started) {
      serverReports.push({
        name: config.name,
        status: 'skipped',
        description: started.description,
        note: started.skipped,
      });
      continue;
    }
    targets.push({
      name: config.name,
      server: started.server,
      kind: 'product',
      floor: FLOOR_NAMES[adapterOf(config)],
    });
    serverReports.push({ name: config.name, status: 'ok', description: started.description });
  }
  return { targets, serverReports };
}

/**
 * The floor app of one adapter (floor-server.mjs).
 * @param {TargetsContext} context @param {import('./options.mjs').Adapter} adapter
 */
export function startFloor(context, adapter) {
  return startServer({
    label: FLOOR_NAMES[adapter],
    script: context.floorMain,
    cwd: context.root,
    env: {
      CATALOG: context.catalogPath,
      MAX_QUANTITY_PER_PURCHASE: '10',
      FLOOR_ADAPTER: adapter,
      NODE_ENV: 'production',
    },
    pin: context.pin(1),
  });
}

/** Attempts per config name, so a second start of one config gets a database and prefix of its own. */
const starts = new Map();

/**
 * Starts the production build with one server config: a fresh database / Redis prefix / SQLite
 * file when it needs one, pinned like every server. Resolves with why it was skipped when its
 * service is missing, it exits at start-up or it does not fork its workers.
 * @param {TargetsContext} context
 * @param {import('./options.mjs').ServerConfig} config
 * @param {Record<string, string>} [extraEnv]  added last (e.g. a growth row's setting)
 * @returns {Promise<Started>}
 */
export async function startConfig(context, config, extraEnv = {}) {
  const { log, root } = context;
  const envText = `STORE=${config.store} WORKERS=${config.workers}${Object.entries({
    ...config.env,
    ...extraEnv,
  })
    .map(([k, v]) => ` ${k}=${v}`)
    .join('')}`;
  const description = `production build (dist/apps/api/main.js), ${envText}`;
  const missing = config.needs.map((service) => context.serviceProblems[service]).find(Boolean);
  if (missing) {
    log(`• skipping ${config.name}: ${missing}`);
    return { skipped: missing, description };
  }
  /** @type {Record<string, string>} */
  const env = {
    STORE: config.store,
    WORKERS: String(config.workers),
    CATALOG: context.catalogPath,
    WEB_ROOT: context.webRoot,
    MAX_QUANTITY_PER_PURCHASE: '10',
    SHUTDOWN_TIMEOUT_MS: '3000',
    // The load comes from one address: the buy rate limit would measure the limiter, not the purchase.
    BUY_RATE_LIMIT: '0',
    // Likewise the sign-in throttles: the poll-flood crowd then reaches the password-hash gate, as
    // a crowd from many addresses would.
    AUTH_RATE_LIMIT: '0',
    AUTH_EMAIL_RATE_LIMIT: '0',
    NODE_ENV: 'production',
    ...config.env,
    ...extraEnv,
  };
  const run = (starts.get(config.name) ?? 0) + 1;
  starts.set(config.name, run);
  const slug = `${config.name.replace(/[^a-z0-9]/g, '_')}${run > 1 ? `_${run}` : ''}`;
  if (config.store === 'sqlite' && !extraEnv.SQLITE_PATH) {
    const dir = join(context.workDir, `sqlite-${slug}`);
    mkdirSync(dir);
    env.SQLITE_PATH = join(dir, 'drop.sqlite');
  }
  log(`• starting ${config.name} (${envText})`);
  let server;
  for (let attempt = 1; attempt <= 2 && !server; attempt++) {
    try {
      if (config.needs.includes('postgres') && !extraEnv.DATABASE_URL) {
        env.DATABASE_URL = await createDatabase(`gtd_bench_${context.runId}_${slug}_${attempt}`);
      }
      if (config.needs.includes('redis')) {
        env.REDIS_URL = extraEnv.REDIS_URL ?? REDIS_URL;
        // The bench's Redis is the shared one without AOF: measure the hot path, accept the loss.
        env.REDIS_DURABILITY = env.REDIS_DURABILITY ?? 'accept-loss';
        if (!extraEnv.REDIS_PREFIX) {
          env.REDIS_PREFIX = `bench:${context.runId}:${slug}:${attempt}:`;
          useRedisPrefix(env.REDIS_PREFIX);
        }
      }
      server = await startServer({
        label: config.name,
        script: context.serverMain,
        cwd: root,
        env,
        pin: context.pin(config.workers),
      });
    } catch (error) {
      if (!(error instanceof StartError)) throw error;
      // Someone may be rebuilding dist/apps/api right now: rebuild once and retry.
      if (error.moduleNotFound && attempt === 1 && !rebuilt) {
        log(`  ${error.reason}: rebuilding and retrying`);
        context.build();
        rebuilt = true;
        continue;
      }
      const note = `${config.name} not supported by this build: ${error.message}: ${error.reason}`;
      log(`  skipped: ${note}`);
      return { skipped: note, description };
    }
  }
  if (!server) return { skipped: `${config.name} did not start`, description };
  if (config.workers > 1) {
    // Health answers as soon as one process listens; give the others a moment to fork.
    let processes = groupSize(server.pid);
    for (let i = 0; i < 50 && processes < config.workers; i++) {
      await sleep(100);
      processes = groupSize(server.pid);
    }
    if (processes < config.workers) {
      const note = `WORKERS=${config.workers} not supported by this build (it started ${processes} process)`;
      log(`  skipped: ${note}`);
      await server.stop();
      return { skipped: note, description };
    }
  }
  return { server, description };
}

/** The API is rebuilt at most once per run. */
let rebuilt = false;

/**
 * One request of each kind first: a server that answers the contract wrongly is flagged in `notes`.
 * @param {Target[]} targets
 * @param {import('./options.mjs').Scenario[]} scenarios
 * @param {string[]} notes
 */
export async function checkContract(targets, scenarios, notes) {
  for (const { name, server } of targets) {
    for (const scenario of scenarios) {
      const etag = scenario.revalidate ? await currentEtag(server.url, scenario.path) : undefined;
      const answer = await send(server.url, {
        method: scenario.method,
        path: scenario.path,
        json: scenario.body,
        headers: etag === undefined ? undefined : { 'if-none-match': etag },
        timeoutMs: 5000,
      });
      const body = /** @type {{ code?: string } | undefined} */ (answer.body);
      const codeOk = !scenario.expectedCode || body?.code === scenario.expectedCode;
      if (answer.status !== scenario.expectedStatus || !codeOk) {
        notes.push(
          `${name}: ${scenario.method} ${scenario.path} answered ${answer.status} ${answer.text.slice(0, 200)} ` +
            `(expected ${scenario.expectedStatus}${scenario.expectedCode ? ` ${scenario.expectedCode}` : ''})`,
        );
      }
    }
  }
}
