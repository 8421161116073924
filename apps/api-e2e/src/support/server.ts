import { API_ENVIRONMENT_VARIABLES } from '@gtd/shared-contracts';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { send } from './http';
import { descendantPids, isAlive, signalPid } from './processes';

/** The workspace root, whatever directory jest was started from. */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
/** The production build the suite runs against (`nx run api:build`). */
export const SERVER_MAIN = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');

const START_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 20_000;

/** One product of a catalogue file, as the API reads it. */
export interface CatalogProduct {
  id: number;
  name: string;
  description: string;
  price: number;
  currency: string;
  stock: number;
}

export interface StartOptions {
  /** Catalogue file for a fresh store (see `writeCatalog`). */
  catalogPath: string;
  /** SQLite file; reuse one to restart on the same data or to share it between processes. */
  sqlitePath: string;
  /** Extra or overriding environment variables (e.g. `MAX_QUANTITY_PER_PURCHASE`). */
  env?: Record<string, string>;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** SIGTERM, then the exit code once the process is gone. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash), then the signal once the process is gone. */
  kill(): Promise<NodeJS.Signals | null>;
  /** Resolves when the process has exited. */
  exited: Promise<ExitStatus>;
  /** Everything the process printed so far, stdout then stderr. */
  output(): string;
  stdout(): string;
  stderr(): string;
}

/** Every process and folder the suite creates, so `cleanup()` can remove them even after a failure. */
const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** A fresh private folder under the OS temp dir, removed by `cleanup()`. */
export function makeTempDir(label = 'gtd-e2e'): string {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  tempDirs.add(dir);
  return dir;
}

/** Writes a catalogue (an array, or any raw text for malformed variants) and returns its path. */
export function writeCatalog(dir: string, catalog: CatalogProduct[] | string, name = 'catalog.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof catalog === 'string' ? catalog : JSON.stringify(catalog, null, 2));
  return path;
}

/** A catalogue of products with the given stocks, ids 1, 2, … */
export function catalogWithStocks(...stocks: number[]): CatalogProduct[] {
  return stocks.map((stock, index) => ({
    id: index + 1,
    name: index === 0 ? 'Golden Ticket' : `Product ${index + 1}`,
    description: `E2E product ${index + 1}`,
    price: 5000 + index,
    currency: 'EUR',
    stock,
  }));
}

/**
 * `startServer` in a fresh folder: `catalog` written there, a SQLite file of its own, and `env`
 * (e.g. `{ HTTP_ADAPTER: 'fastify' }`) on top of the defaults.
 */
export function startWithCatalog(
  catalog: CatalogProduct[],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const dir = makeTempDir();
  return startServer({ catalogPath: writeCatalog(dir, catalog), sqlitePath: `${dir}/drop.sqlite`, env });
}

/** A port nobody listens on right now (the OS picks it; the tiny race until the server binds is accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** The HTTP platforms the API runs on; the contract specs run on each. */
export const HTTP_ADAPTERS = ['express', 'fastify'] as const;

/** The parent's API settings never leak into a spawned server. */
function serverEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of API_ENVIRONMENT_VARIABLES) delete env[name];
  return { ...env, ...overrides };
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<ExitStatus>;
  stdout(): string;
  stderr(): string;
}

function spawnServer(env: Record<string, string>, args: readonly string[] = []): Spawned {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: build the API first (npx nx run api:build)`);
  }
  const child = spawn(process.execPath, [SERVER_MAIN, ...args], {
    cwd: WORKSPACE_ROOT,
    env: serverEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolveExit({ code, signal });
    });
  });
  return { child, exited, stdout: () => out, stderr: () => err };
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Starts the built API on a free port with its own SQLite file and catalogue, and resolves once
 * `GET /health` answers 200. Fails with the server's output if it exits or does not come up.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const spawned = spawnServer({
    PORT: String(port),
    HOST: '127.0.0.1',
    STORE: 'sqlite',
    SQLITE_PATH: options.sqlitePath,
    CATALOG: options.catalogPath,
    // A folder without a storefront build: the API answers every path itself.
    WEB_ROOT: join(tmpdir(), 'gtd-e2e-no-storefront'),
    // The specs rush POST /buy from one address; the rate-limit spec turns the limit on itself.
    BUY_RATE_LIMIT: '0',
    ...options.env,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const output = () => `--- stdout\n${spawned.stdout()}\n--- stderr\n${spawned.stderr()}`;
  let exitStatus: ExitStatus | undefined;
  void spawned.exited.then((status) => (exitStatus = status));

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitStatus) {
      throw new Error(`API exited during start-up (${JSON.stringify(exitStatus)})\n${output()}`);
    }
    const reply = await send(baseUrl, { path: '/health', timeoutMs: 1000 });
    if (reply.status === 200) break;
    if (Date.now() > deadline) {
      spawned.child.kill('SIGKILL');
      await spawned.exited;
      throw new Error(`API did not answer /health with 200 within ${START_TIMEOUT_MS} ms\n${output()}`);
    }
    await sleep(100);
  }

  const waitForExit = <T>(pick: (status: ExitStatus) => T, what: string): Promise<T> =>
    withTimeout(
      spawned.exited.then(pick),
      EXIT_TIMEOUT_MS,
      () => new Error(`API did not exit within ${EXIT_TIMEOUT_MS} ms after ${what}\n${output()}`),
    );

  return {
    baseUrl,
    port,
    child: spawned.child,
    exited: spawned.exited,
    output,
    stdout: spawned.stdout,
    stderr: spawned.stderr,
    stop: () => {
      if (!exitStatus) spawned.child.kill('SIGTERM');
      return waitForExit((status) => status.code, 'SIGTERM');
    },
    kill: () => {
      if (!exitStatus) spawned.child.kill('SIGKILL');
      return waitForExit((status) => status.signal, 'SIGKILL');
    },
  };
}

export interface FailedStart extends ExitStatus {
  stdout: string;
  stderr: string;
}

/**
 * Runs the API with an environment that must make it refuse to start, and resolves with how it
 * exited. A server that starts anyway is killed after the timeout and reported as such.
 */
export async function runUntilExit(env: Record<string, string>): Promise<FailedStart> {
  const spawned = spawnServer({
    HOST: '127.0.0.1',
    WEB_ROOT: join(tmpdir(), 'gtd-e2e-no-storefront'),
    ...env,
  });
  const status = await withTimeout(spawned.exited, START_TIMEOUT_MS, () => {
    spawned.child.kill('SIGKILL');
    return new Error(
      `API was expected to refuse to start but was still running after ${START_TIMEOUT_MS} ms\n` +
        `--- stdout\n${spawned.stdout()}\n--- stderr\n${spawned.stderr()}`,
    );
  });
  return { ...status, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

export interface CommandResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command of the built API (e.g. `reconcile --repair`) to completion with the same
 * environment handling as a server, and resolves with its exit status and output.
 */
export async function runApiCommand(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = START_TIMEOUT_MS,
): Promise<CommandResult> {
  const spawned = spawnServer(env, args);
  const status = await withTimeout(spawned.exited, timeoutMs, () => {
    spawned.child.kill('SIGKILL');
    return new Error(
      `\`main.js ${args.join(' ')}\` did not finish within ${timeoutMs} ms\n` +
        `--- stdout\n${spawned.stdout()}\n--- stderr\n${spawned.stderr()}`,
    );
  });
  return { ...status, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

function runsApi(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(SERVER_MAIN);
  } catch {
    return false;
  }
}

/** Processes a spec saw (e.g. cluster workers) that `cleanup()` must not leave running. */
const trackedPids = new Set<number>();

/** Remembers pids for `cleanup()`, e.g. the workers of a primary that a spec may SIGKILL. */
export function trackPids(pids: readonly number[]): void {
  for (const pid of pids) trackedPids.add(pid);
}

/**
 * Kills every server still running (and whatever it forked, e.g. cluster workers) and removes
 * every temp folder; call from afterAll/afterEach.
 */
export async function cleanup(): Promise<void> {
  const children = [...liveChildren];
  const forked = children.flatMap((child) => (child.pid === undefined ? [] : descendantPids(child.pid)));
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
  // Workers orphaned by a killed primary; a pid is only signalled while it is still a live process
  // of the built API (never a stranger that happens to reuse the number).
  const strays = [...new Set([...forked, ...trackedPids])].filter((pid) => isAlive(pid) && runsApi(pid));
  for (const pid of strays) signalPid(pid, 'SIGKILL');
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  while (strays.some(isAlive) && Date.now() < deadline) await sleep(50);
  trackedPids.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
