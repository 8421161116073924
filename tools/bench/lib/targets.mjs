// The servers a run measures: the bare baseline, then the production build once per server config,
// each skipped with a note when its services are missing or the build does not support it.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BASELINE_NAME } from './options.mjs';
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
 */

/**
 * Starts the baseline and every server config; resolves with those running and a report entry each.
 * @param {TargetsContext} context
 * @returns {Promise<{ targets: Target[], serverReports: any[] }>}
 */
export async function startTargets(context) {
  const { options, root, catalogPath, log } = context;
  /** @type {any[]} */
  const serverReports = [];
  /** @type {Target[]} */
  const targets = [];

  log('• starting the baseline');
  const baseline = await startServer({
    label: BASELINE_NAME,
    script: context.baselineMain,
    cwd: root,
    env: { CATALOG: catalogPath, MAX_QUANTITY_PER_PURCHASE: '10', NODE_ENV: 'production' },
    pin: context.pin(1),
  });
  targets.push({ name: BASELINE_NAME, server: baseline });
  serverReports.push({
    name: BASELINE_NAME,
    status: 'ok',
    description: `bare node:http, same contract, in memory (${relative(root, context.baselineMain)})`,
  });

  let rebuilt = false;
  for (const config of options.configs) {
    const envText = `STORE=${config.store} WORKERS=${config.workers}${Object.entries(config.env ?? {})
      .map(([k, v]) => ` ${k}=${v}`)
      .join('')}`;
    const description = `production build (dist/apps/api/main.js), ${envText}`;
    const missing = config.needs.map((service) => context.serviceProblems[service]).find(Boolean);
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
    };
    const slug = config.name.replace(/[^a-z0-9]/g, '_');
    if (config.store === 'sqlite') {
      const dir = join(context.workDir, `sqlite-${slug}`);
      mkdirSync(dir);
      env.SQLITE_PATH = join(dir, 'drop.sqlite');
    }
    log(`• starting ${config.name} (${envText})`);
    let server;
    for (let attempt = 1; attempt <= 2 && !server; attempt++) {
      try {
        if (config.needs.includes('postgres')) {
          env.DATABASE_URL = await createDatabase(`gtd_bench_${context.runId}_${slug}_${attempt}`);
        }
        if (config.needs.includes('redis')) {
          env.REDIS_URL = REDIS_URL;
          env.REDIS_PREFIX = `bench:${context.runId}:${slug}:${attempt}:`;
          // The bench's Redis is the shared one without AOF: measure the hot path, accept the loss.
          env.REDIS_DURABILITY = env.REDIS_DURABILITY ?? 'accept-loss';
          useRedisPrefix(env.REDIS_PREFIX);
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
        serverReports.push({ name: config.name, status: 'skipped', description, note });
        break;
      }
    }
    if (!server) continue;
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
        serverReports.push({ name: config.name, status: 'skipped', description, note });
        await server.stop();
        continue;
      }
    }
    targets.push({ name: config.name, server });
    serverReports.push({ name: config.name, status: 'ok', description });
  }
  return { targets, serverReports };
}

/**
 * One request of each kind first: a server that answers the contract wrongly is flagged in `notes`.
 * @param {Target[]} targets
 * @param {import('./options.mjs').Scenario[]} scenarios
 * @param {string[]} notes
 */
export async function checkContract(targets, scenarios, notes) {
  for (const { name, server } of targets) {
    for (const scenario of scenarios) {
      const answer = await send(server.url, {
        method: scenario.method,
        path: scenario.path,
        json: scenario.body,
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
