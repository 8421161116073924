import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lateBound } from './late-bound';
import { freePort } from './ports';
import { signalPid } from './proc';

/**
 * A PostgreSQL cluster of the spec's own (initdb in a temp dir, a free port), for specs that crash
 * the server: the machine's shared PostgreSQL is never stopped. Its data survives `stopImmediate()`
 * (a crash: no checkpoint, recovery from the WAL at the next `start()`).
 */
export interface OwnPostgres {
  port: number;
  dataDir: string;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  adminUrl: string;
  /** True between a `start()` and a stop. */
  readonly running: boolean;
  /** `pg_ctl stop -m immediate`: every backend is killed at once, as in a crash. */
  stopImmediate(): Promise<void>;
  /** `pg_ctl start`, waiting until it accepts connections (crash recovery included). */
  start(): Promise<void>;
  /** The server's log so far (for a failure message). */
  log(): string;
  /** Stops it (immediately) and deletes its folder; safe to call twice. */
  dispose(): Promise<void>;
}

const POSTGRES_USER = 'postgres';
/** Clusters of this process still running, stopped when the process exits whatever happened. */
const live = new Set<OwnPostgres>();
let exitHookInstalled = false;

/** The binaries of the installed server (initdb, pg_ctl), which are not on PATH on Debian. */
function postgresBinDir(): string {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`pg_config --bindir failed (is PostgreSQL installed?): ${(error as Error).message}`);
  }
}

/** initdb refuses to run as root: as root, every server command runs as the `postgres` user. */
const asServerUser = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', POSTGRES_USER, '--', command, ...args]] : [command, args];

/** Runs a server command to its end without blocking the event loop (a spec's rush goes on meanwhile). */
function run(command: string, args: string[], what: string): Promise<void> {
  const [file, argv] = asServerUser(command, args);
  return new Promise((done, fail) => {
    execFile(file, argv, { encoding: 'utf8', timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${what} failed (${error.message}):\n${stdout}\n${stderr}`));
      else done();
    });
  });
}

/** The postmaster's pid from its pid file, or undefined when it is not running. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a cluster in a fresh temp dir on a free port and starts it. */
export async function startOwnPostgres(label = 'gtd-own-pg'): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), `${label}-`));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', POSTGRES_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', POSTGRES_USER], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const port = await freePort();
  let running = false;
  const ctl = (args: string[], what: string) => run(join(bin, 'pg_ctl'), ['-D', dataDir, ...args], what);
  const own: OwnPostgres = {
    port,
    dataDir,
    adminUrl: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`,
    get running() {
      return running;
    },
    async stopImmediate() {
      await ctl(['stop', '-m', 'immediate', '-w'], 'pg_ctl stop -m immediate');
      running = false;
    },
    async start() {
      // Its socket in its own folder, TCP on loopback only: nothing shared with the machine's server.
      const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`;
      await ctl(['start', '-w', '-t', '60', '-l', logFile, '-o', options], 'pg_ctl start');
      running = true;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async dispose() {
      live.delete(own);
      if (running || postmasterPid(dataDir) !== undefined) {
        try {
          await own.stopImmediate();
        } catch {
          // pg_ctl failed: kill the postmaster itself (SIGQUIT is PostgreSQL's immediate shutdown).
          const pid = postmasterPid(dataDir);
          if (pid !== undefined) signalPid(pid, 'SIGQUIT');
        }
      }
      running = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
  live.add(own);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const cluster of live) {
        const pid = postmasterPid(cluster.dataDir);
        if (pid !== undefined) signalPid(pid, 'SIGQUIT');
      }
    });
  }
  try {
    // --no-sync: initdb's own files only; the server itself runs with the default fsync settings.
    await run(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', POSTGRES_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      'initdb',
    );
    await own.start();
  } catch (error) {
    const log = own.log();
    await own.dispose();
    throw new Error(`${(error as Error).message}${log ? `\n--- server log\n${log}` : ''}`);
  }
  return own;
}

/**
 * `startOwnPostgres()` as Jest hooks of the enclosing `describe`: started in `beforeAll`, disposed
 * in `afterAll` (also when the spec failed). Declare it before fixtures that need its URL.
 */
export function useOwnPostgres(label?: string): OwnPostgres {
  let started: OwnPostgres | undefined;
  beforeAll(async () => {
    started = await startOwnPostgres(label);
  }, 120_000);
  afterAll(() => started?.dispose());
  return lateBound('The cluster of useOwnPostgres()', () => started);
}
