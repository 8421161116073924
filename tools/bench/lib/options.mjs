// What the bench measures: scenarios, server configurations and the command-line flags.

/** Product ids of the bench catalogue. */
export const RUSH_PRODUCT = 1;
export const SOLD_OUT_PRODUCT = 2;
/** Large enough that no rush on this machine runs out during a run. */
export const RUSH_STOCK = 10_000_000;

/** @type {Array<{ id: number, name: string, description: string, price: number, currency: string, stock: number }>} */
export const BENCH_CATALOG = [
  {
    id: RUSH_PRODUCT,
    name: 'Golden Ticket',
    description: 'Bench: stock for the rush',
    price: 5000,
    currency: 'EUR',
    stock: RUSH_STOCK,
  },
  {
    id: SOLD_OUT_PRODUCT,
    name: 'Sold-out Ticket',
    description: 'Bench: nothing left',
    price: 5000,
    currency: 'EUR',
    stock: 0,
  },
];

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} description
 * @property {'GET' | 'POST'} method
 * @property {string} path
 * @property {unknown} [body]
 * @property {number} expectedStatus  the status every answer of this scenario should have
 * @property {string} [expectedCode]   the problem `code` of that answer, checked once per row
 * @property {boolean} [checkOversell] compare the stock change with the number of 201s after the run
 * @property {boolean} [revalidate]    send `If-None-Match` with the current ETag of `path` (fetched before
 *   the row and re-fetched during it: the server's `pollAfterMs`, part of the tag, stretches under load)
 * @property {Background} [background] load that runs beside the measured one, counted but not measured
 */

/**
 * A crowd the measured requests must get through: it starts with the row and stops with it.
 * @typedef {object} Background
 * @property {string} description
 * @property {'GET' | 'POST'} method
 * @property {string} path
 * @property {unknown} [body]
 * @property {number} connections
 */

/** Connections that keep a wrong-password sign-in in flight: twice the 32 that once stalled Express. */
export const SIGN_IN_FLOOD_CONNECTIONS = 64;

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    name: 'rush',
    description: `POST /buy quantity 1, product ${RUSH_PRODUCT} (stock ${RUSH_STOCK.toLocaleString('en-US')})`,
    method: 'POST',
    path: '/buy',
    body: { productId: RUSH_PRODUCT, quantity: 1 },
    expectedStatus: 201,
    checkOversell: true,
  },
  {
    name: 'sold-out',
    description: `POST /buy quantity 1, product ${SOLD_OUT_PRODUCT} (stock 0): 409 SOLD_OUT`,
    method: 'POST',
    path: '/buy',
    body: { productId: SOLD_OUT_PRODUCT, quantity: 1 },
    expectedStatus: 409,
    expectedCode: 'SOLD_OUT',
  },
  {
    name: 'poll',
    description: `GET /products/${RUSH_PRODUCT}/inventory`,
    method: 'GET',
    path: `/products/${RUSH_PRODUCT}/inventory`,
    expectedStatus: 200,
  },
  {
    // A browser's poll after its first one: the ETag it holds is still current, so the answer is a
    // bodiless 304. What the crowd costs while nothing sells.
    name: 'poll-revalidate',
    description:
      `GET /products/${RUSH_PRODUCT}/inventory with If-None-Match: the current ETag (read before the row, ` +
      're-read during it): 304',
    method: 'GET',
    path: `/products/${RUSH_PRODUCT}/inventory`,
    expectedStatus: 304,
    revalidate: true,
  },
  {
    // The sign-in flood of issue 11: scrypt fills libuv's pool, and the poll must not queue behind it.
    // The servers run with the auth throttles off (one load address), so the flood reaches the hash
    // gate as a crowd of many addresses would.
    name: 'poll-flood',
    description:
      `GET /products/${RUSH_PRODUCT}/inventory while ${SIGN_IN_FLOOD_CONNECTIONS} connections send ` +
      'wrong-password sign-ins (not measured; their answers are counted in the notes)',
    method: 'GET',
    path: `/products/${RUSH_PRODUCT}/inventory`,
    expectedStatus: 200,
    background: {
      description: 'POST /auth/sign-in, wrong password',
      method: 'POST',
      path: '/auth/sign-in',
      body: { email: 'flood@example.com', password: 'not-the-password-1' },
      connections: SIGN_IN_FLOOD_CONNECTIONS,
    },
  },
];

/**
 * One way of running the production server. `needs` names the local services it uses; `env` is
 * added to the environment the bench gives every server. To compare another setting (say an
 * HTTP adapter), add an entry with that variable in `env`.
 * @typedef {object} ServerConfig
 * @property {string} name
 * @property {'memory' | 'sqlite' | 'postgres' | 'redis'} store
 * @property {number} workers
 * @property {Array<'postgres' | 'redis'>} needs
 * @property {Record<string, string>} [env]
 */

/** @type {ServerConfig[]} */
export const SERVER_CONFIGS = [
  { name: 'memory', store: 'memory', workers: 1, needs: [] },
  { name: 'sqlite', store: 'sqlite', workers: 1, needs: [] },
  { name: 'postgres', store: 'postgres', workers: 1, needs: ['postgres'] },
  { name: 'postgres-w2', store: 'postgres', workers: 2, needs: ['postgres'] },
  { name: 'redis', store: 'redis', workers: 1, needs: ['postgres', 'redis'] },
  { name: 'redis-w2', store: 'redis', workers: 2, needs: ['postgres', 'redis'] },
  // The same stores on Fastify (HTTP_ADAPTER=fastify); the rows above run on Express, the default.
  { name: 'memory-fastify', store: 'memory', workers: 1, needs: [], env: { HTTP_ADAPTER: 'fastify' } },
  { name: 'sqlite-fastify', store: 'sqlite', workers: 1, needs: [], env: { HTTP_ADAPTER: 'fastify' } },
  {
    name: 'redis-fastify',
    store: 'redis',
    workers: 1,
    needs: ['postgres', 'redis'],
    env: { HTTP_ADAPTER: 'fastify' },
  },
  {
    name: 'redis-fastify-w2',
    store: 'redis',
    workers: 2,
    needs: ['postgres', 'redis'],
    env: { HTTP_ADAPTER: 'fastify' },
  },
];

export const BASELINE_NAME = 'baseline';

/** @typedef {'express' | 'fastify'} Adapter */

/** The minimal Nest app per adapter (floor-server.mjs) each product row is compared with. */
export const FLOOR_NAMES = /** @type {const} */ ({ express: 'floor-express', fastify: 'floor-fastify' });

/** @param {ServerConfig} config @returns {Adapter} */
export const adapterOf = (config) => (config.env?.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express');

/** Names of the rows that are not the product: they have no sign-in and sit out `background` scenarios. */
export const REFERENCE_NAMES = [BASELINE_NAME, FLOOR_NAMES.express, FLOOR_NAMES.fastify];

/**
 * The soak's default server: the default store (SQLite) on the default adapter. Not memory: that
 * store keeps every order in the process by design (≈ 4 KB per sale), which would hide a leak
 * behind growth it is meant to have.
 */
const SOAK_DEFAULT_STORE = 'sqlite';

const QUICK = {
  duration: 3,
  warmup: 0.5,
  connections: [64],
  stores: ['memory', 'sqlite', 'memory-fastify'],
  soak: undefined,
  growth: false,
};
const FULL = {
  duration: 7,
  warmup: 1,
  connections: [64, 256],
  stores: SERVER_CONFIGS.map((c) => c.name),
  soak: 300,
  growth: true,
};

const USAGE = `Usage: node tools/bench/bench.mjs [options]

  --quick                 3 s per row, 64 connections, baseline, floors, memory, sqlite, memory-fastify,
                          no soak, no growth rows
  --duration <s>          seconds measured per row (default ${FULL.duration}, quick ${QUICK.duration})
  --repeat <n>            run the whole alternation n times; each row reports its median round by
                          req/s, its ratios taken against the floor's and baseline's median rounds
                          (default 1; 3 when the machine is noisy)
  --warmup <s>            seconds of the same load before each row, not measured (default ${FULL.warmup})
  --stores <list>         server configs, default all: ${SERVER_CONFIGS.map((c) => c.name).join(', ')}
                          (-w2: WORKERS=2); postgres/redis rows need the services on 127.0.0.1
  --scenarios <list>      ${SCENARIOS.map((s) => s.name).join(', ')}; or \`queue\` alone: the waiting room
                          behind an nginx edge (tools/bench/queue.mjs; \`--scenarios queue --help\` for its flags)
  --connections <list>    e.g. 64,256
  --no-build              use dist/apps/api as it is (default: npx nx run api:build first)
  --no-pin                do not pin server and load generator to different cores
  --soak <s>              after the rows, a rush of that many seconds on a fresh server, its RSS
                          sampled every 5 s (default ${FULL.soak}; off with --quick)
  --no-soak               no soak
  --soak-store <config>   the soak's server config (default ${SOAK_DEFAULT_STORE}: the default store and adapter)
  --growth / --no-growth  run the growth rows of lib/growth.mjs when it exists (default on; off with --quick)
  --help

Environment: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/7).`;

/**
 * @typedef {object} BenchOptions
 * @property {boolean} quick
 * @property {number} duration
 * @property {number} repeat  rounds of every row; the report keeps each row's median round
 * @property {number} warmup
 * @property {ServerConfig[]} configs
 * @property {Scenario[]} scenarios
 * @property {number[]} connections
 * @property {boolean} build
 * @property {boolean} pin
 * @property {number | undefined} soak  seconds of the soak rush, or undefined for none
 * @property {ServerConfig} soakConfig
 * @property {boolean} growth
 */

/** @param {string} flag @param {string | undefined} value */
function requireValue(flag, value) {
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
  return value;
}

/** @param {string} flag @param {string} value */
function positiveNumber(flag, value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return n;
}

/** @param {string} value */
const list = (value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** @param {string[]} names */
function selectConfigs(names) {
  if (names.includes('all')) return SERVER_CONFIGS;
  for (const name of names) {
    if (!SERVER_CONFIGS.some((c) => c.name === name)) {
      throw new Error(
        `unknown store "${name}" (known: ${SERVER_CONFIGS.map((c) => c.name).join(', ')}, all)`,
      );
    }
  }
  return SERVER_CONFIGS.filter((c) => names.includes(c.name));
}

/**
 * @param {string[]} argv
 * @returns {BenchOptions | 'help'}
 */
export function parseOptions(argv) {
  const quick = argv.includes('--quick');
  const base = quick ? QUICK : FULL;
  /** @type {BenchOptions} */
  const options = {
    quick,
    duration: base.duration,
    warmup: base.warmup,
    repeat: 1,
    configs: selectConfigs(base.stores),
    scenarios: SCENARIOS,
    connections: base.connections,
    build: true,
    pin: true,
    soak: base.soak,
    soakConfig: selectConfigs([SOAK_DEFAULT_STORE])[0],
    growth: base.growth,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--no-pin':
        options.pin = false;
        break;
      case '--soak':
        options.soak = positiveNumber(flag, requireValue(flag, argv[++i]));
        break;
      case '--no-soak':
        options.soak = undefined;
        break;
      case '--soak-store': {
        const [config] = selectConfigs([requireValue(flag, argv[++i])]);
        options.soakConfig = config;
        break;
      }
      case '--growth':
        options.growth = true;
        break;
      case '--no-growth':
        options.growth = false;
        break;
      case '--duration':
        options.duration = positiveNumber(flag, requireValue(flag, argv[++i]));
        break;
      case '--repeat': {
        const n = positiveNumber(flag, requireValue(flag, argv[++i]));
        if (!Number.isInteger(n)) throw new Error('--repeat takes a whole number');
        options.repeat = n;
        break;
      }
      case '--warmup': {
        const value = Number(requireValue(flag, argv[++i]));
        if (!Number.isFinite(value) || value < 0) throw new Error('--warmup must be 0 or more seconds');
        options.warmup = value;
        break;
      }
      case '--stores':
        options.configs = selectConfigs(list(requireValue(flag, argv[++i])));
        break;
      case '--scenarios': {
        const names = list(requireValue(flag, argv[++i]));
        for (const name of names) {
          if (name === 'queue') throw new Error('the queue scenario runs on its own: --scenarios queue');
          if (!SCENARIOS.some((s) => s.name === name)) throw new Error(`unknown scenario "${name}"`);
        }
        options.scenarios = SCENARIOS.filter((s) => names.includes(s.name));
        break;
      }
      case '--connections':
        options.connections = list(requireValue(flag, argv[++i])).map((value) => {
          const n = positiveNumber(flag, value);
          if (!Number.isInteger(n)) throw new Error('--connections takes whole numbers');
          return n;
        });
        break;
      default:
        throw new Error(`unknown option "${flag}"\n\n${USAGE}`);
    }
  }
  return options;
}

export { USAGE };
