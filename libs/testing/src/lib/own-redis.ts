import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { freePort } from './ports';
import { makeTempDir } from './temp';

export type RedisSettings = Record<string, string | readonly string[]>;

const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 10_000;

export interface OwnRedisOptions {
  /**
   * `redis-server` settings as `--name value…`, e.g. `{ appendonly: 'yes', appendfsync: 'always' }`
   * or `{ 'rename-command': ['CONFIG', ''] }`.
   */
  settings?: RedisSettings;
  /** Names the server in errors and its temp folder. */
  label?: string;
}

/**
 * A `redis-server` of the spec's own, on a free port and a temp folder (its RDB/AOF files), for
 * specs that crash Redis: the shared one on 6379 must never be killed or reconfigured.
 */
export interface OwnRedis {
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** The data folder, kept across `crash()` and `restart()`. */
  dir: string;
  /** The pid of the current server process, undefined while it is down. */
  pid(): number | undefined;
  /** SIGKILL (a crash: no AOF rewrite, no RDB save), resolved once the process is gone. */
  crash(): Promise<void>;
  /** Starts it again on the same folder and port (it loads its AOF/RDB), resolved once it accepts connections. */
  restart(): Promise<void>;
  /** Kills it and removes its folder; safe to call twice. */
  dispose(): Promise<void>;
}

/** Every server started here and not yet disposed, killed if the runner exits without disposing. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Spawns `redis-server` and resolves once its log says it accepts connections. */
function launch(port: number, dir: string, settings: RedisSettings, label: string) {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    // No RDB snapshots unless asked for: what survives a crash is what the settings under test keep.
    '--save',
    '',
    ...Object.entries(settings).flatMap(([name, value]) => [`--${name}`, ...[value].flat()]),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  killOnExit();
  let output = '';
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      running.delete(child);
      resolveExit();
    });
    child.once('error', (error) => {
      output += `\n${error.message}`;
      running.delete(child);
      resolveExit();
    });
  });
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not accept connections within ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const watch = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${label} exited at start-up:\n${output}`));
    });
  });
  return { child, exited, ready };
}

/** Starts an own `redis-server` (see `OwnRedis`) on a free port; the port is tried again if taken meanwhile. */
export async function startOwnRedis(options: OwnRedisOptions = {}): Promise<OwnRedis> {
  const label = options.label ?? 'own-redis';
  const settings = options.settings ?? {};
  const dir = makeTempDir(`gtd-${label}`);
  let current: ReturnType<typeof launch> | undefined;
  let port = 0;
  for (let attempt = 1; !current; attempt++) {
    port = await freePort();
    const launched = launch(port, dir, settings, label);
    try {
      await launched.ready;
      current = launched;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const stopCurrent = async () => {
    const server = current;
    current = undefined;
    if (!server) return;
    server.child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((done) => (timer = setTimeout(done, EXIT_TIMEOUT_MS)));
    await Promise.race([server.exited, late]).finally(() => clearTimeout(timer));
  };
  let disposed = false;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: () => current?.child.pid,
    crash: stopCurrent,
    restart: async () => {
      if (current) throw new Error(`${label} is still running; crash() it first`);
      const launched = launch(port, dir, settings, label);
      await launched.ready;
      current = launched;
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await stopCurrent();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `describe` when `redis-server` can be run here, and always under CI=true (a missing binary then
 * fails the build); `describe.skip` with a warning elsewhere.
 */
export function describeWithRedisServer(): jest.Describe {
  if (process.env['CI'] === 'true') return describe;
  if (spawnSync('redis-server', ['--version']).status === 0) return describe;
  console.warn('redis-server is not installed: the specs that start their own Redis are skipped here');
  return describe.skip;
}
