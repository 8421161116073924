import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { apiEnvironment, EnvironmentOverrides } from './environment';
import { send } from './http';
import { freePort } from './ports';
import { commandLine, descendantPids, isAlive, processGroup, signalPid } from './proc';
import { removeTempDirs } from './temp';
import { API_MAIN, WORKSPACE_ROOT } from './workspace';

const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 20_000;
/** After a detached server exited, how long its cluster workers get to follow before they are killed. */
const GROUP_GRACE_MS = 2_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Set on top of the scrubbed environment (see `apiEnvironment`); `undefined` removes one. */
  env?: EnvironmentOverrides;
  /** Arguments of the script, e.g. `['reconcile', '--repair']`. */
  args?: readonly string[];
  /** The Node script to run; the built API by default. */
  script?: string;
  /** Working directory; the workspace root by default (as `npm start`). */
  cwd?: string;
  /** A command the process is started under, e.g. `['taskset', '-c', '0']`. */
  wrapper?: readonly string[];
  /** In a process group of its own, so a hung server is killed together with its cluster workers. */
  detached?: boolean;
  /** Names the process in errors; `API` by default. */
  label?: string;
  /** Keep only the last this many characters of each output stream (default: everything). */
  outputLimit?: number;
}

/** A spawned process of the built API (or of another server script). */
export interface ApiProcess {
  label: string;
  child: ChildProcess;
  /** Also the process group id when `detached`. */
  pid: number;
  detached: boolean;
  /** Resolves when the process has exited (or could not be started: code -1). */
  exited: Promise<ExitStatus>;
  alive(): boolean;
  /** Everything it printed so far, stdout and stderr interleaved as they arrived. */
  output(): string;
  stdout(): string;
  stderr(): string;
}

/** Every process spawned here that has not exited yet, so `cleanup()` and an exiting runner can end them. */
const live = new Set<ApiProcess>();
/** Processes a spec saw (e.g. cluster workers) that `cleanup()` must not leave running. */
const trackedPids = new Set<number>();

/** Signals the process, or with `group` the whole group of a detached one; never a pid it did not get. */
function signal(spawned: ApiProcess, name: NodeJS.Signals, group = false): void {
  if (spawned.pid > 1) signalPid(group && spawned.detached ? -spawned.pid : spawned.pid, name);
}

let exitHookInstalled = false;
function killEverythingOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const spawned of live) signal(spawned, 'SIGKILL', true);
  });
}

/** Starts a server script with the scrubbed environment; does not wait for it to listen. */
export function spawnApi(options: SpawnOptions = {}): ApiProcess {
  const script = options.script ?? API_MAIN;
  if (!existsSync(script)) {
    throw new Error(`${script} is missing: build the API first (npx nx run api:build)`);
  }
  const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath];
  const child = spawn(command, [...prefix, script, ...(options.args ?? [])], {
    cwd: options.cwd ?? WORKSPACE_ROOT,
    env: apiEnvironment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const limit = options.outputLimit ?? Infinity;
  const keep = (text: string, chunk: string) => {
    const joined = text + chunk;
    return joined.length > limit ? joined.slice(-limit) : joined;
  };
  let out = '';
  let err = '';
  let both = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out = keep(out, chunk);
    both = keep(both, chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = keep(err, chunk);
    both = keep(both, chunk);
  });
  let status: ExitStatus | undefined;
  const spawned: ApiProcess = {
    label: options.label ?? 'API',
    child,
    pid: child.pid ?? -1,
    detached: options.detached ?? false,
    exited: new Promise<ExitStatus>((resolveExit) => {
      const settle = (exit: ExitStatus) => {
        if (status) return;
        status = exit;
        live.delete(spawned);
        resolveExit(exit);
      };
      child.once('exit', (code, signal) => settle({ code, signal }));
      child.once('error', (error) => {
        both = keep(both, `\n${error.message}\n`);
        err = keep(err, `\n${error.message}\n`);
        settle({ code: -1, signal: null });
      });
    }),
    alive: () => status === undefined,
    output: () => both,
    stdout: () => out,
    stderr: () => err,
  };
  live.add(spawned);
  killEverythingOnExit();
  return spawned;
}

/** Both output streams, labelled, for an error message. */
export const describeOutput = (spawned: ApiProcess): string =>
  `--- stdout\n${spawned.stdout()}\n--- stderr\n${spawned.stderr()}`;

/** A server that exited, or never answered `GET /health` with 200, during start-up. */
export class ApiStartError extends Error {
  /** One line, e.g. `API exited at start-up (code 1)`. */
  readonly summary: string;

  constructor(
    readonly label: string,
    /** How it exited; undefined when it was still running at the deadline (and was then killed). */
    readonly status: ExitStatus | undefined,
    /** Everything it printed, interleaved. */
    readonly output: string,
    timeoutMs: number,
    details: string,
  ) {
    const summary = status
      ? `${label} exited at start-up (${status.signal ?? `code ${status.code}`})`
      : `${label} did not answer GET /health within ${timeoutMs / 1000} s`;
    super(`${summary}\n${details}`);
    this.name = 'ApiStartError';
    this.summary = summary;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Kills what is left of a detached server's process group (cluster workers of a dead primary). */
async function reapGroup(spawned: ApiProcess): Promise<void> {
  if (!spawned.detached || spawned.pid <= 1 || processGroup(spawned.pid).length === 0) return;
  await sleep(GROUP_GRACE_MS);
  if (processGroup(spawned.pid).length > 0) signal(spawned, 'SIGKILL', true);
}

export interface StartApiOptions extends SpawnOptions {
  /** The port to listen on (e.g. the same one again after a restart); a free one by default. */
  port?: number;
  /** How long `GET /health` may take to answer 200 (default 30 s). */
  startTimeoutMs?: number;
  /** How long `stop()` and `kill()` wait for the exit (default 20 s). */
  exitTimeoutMs?: number;
}

/** A server that answered `GET /health` with 200. */
export interface RunningApi extends ApiProcess {
  baseUrl: string;
  port: number;
  /** SIGTERM, then the exit code once the process is gone (SIGKILL and an error if it hangs). */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash), then the signal once the process is gone. */
  kill(): Promise<NodeJS.Signals | null>;
}

/**
 * Starts the built API (or `script`) on 127.0.0.1 and a free port with a scrubbed environment,
 * and resolves once `GET /health` answers 200. Fails with the server's output if it exits first
 * or does not come up in time (it is killed then).
 */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const port = options.port ?? (await freePort());
  const startTimeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const exitTimeoutMs = options.exitTimeoutMs ?? EXIT_TIMEOUT_MS;
  const spawned = spawnApi({ ...options, env: { ...options.env, PORT: String(port), HOST: '127.0.0.1' } });
  const baseUrl = `http://127.0.0.1:${port}`;
  const killSignal = () => signal(spawned, 'SIGKILL', true);

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const reply = await send(baseUrl, { path: '/health', timeoutMs: 2000 });
    if (reply.status === 200) break;
    if (!spawned.alive() || Date.now() > deadline) {
      const status = spawned.alive() ? undefined : await spawned.exited;
      if (!status) {
        killSignal();
        await spawned.exited;
      }
      throw new ApiStartError(
        spawned.label,
        status,
        spawned.output(),
        startTimeoutMs,
        describeOutput(spawned),
      );
    }
    await sleep(100);
  }

  const waitForExit = async <T>(pick: (status: ExitStatus) => T, what: string): Promise<T> => {
    try {
      return await withTimeout(
        spawned.exited.then(pick),
        exitTimeoutMs,
        () => new Error(`${spawned.label} did not exit within ${exitTimeoutMs} ms after ${what}`),
      );
    } catch (error) {
      killSignal();
      await spawned.exited;
      throw new Error(`${(error as Error).message}\n${describeOutput(spawned)}`);
    } finally {
      await reapGroup(spawned);
    }
  };

  return {
    ...spawned,
    baseUrl,
    port,
    stop: () => {
      if (spawned.alive()) signal(spawned, 'SIGTERM');
      return waitForExit((status) => status.code, 'SIGTERM');
    },
    kill: () => {
      if (spawned.alive()) killSignal();
      return waitForExit((status) => status.signal, 'SIGKILL');
    },
  };
}

export interface CommandResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/**
 * Runs the built API to its exit (a command such as `reconcile`, or a start-up that must be
 * refused) and resolves with its exit status and output. One still running after `timeoutMs` is
 * killed and reported as such.
 */
export async function runApiToExit(options: SpawnOptions & { timeoutMs?: number }): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS;
  const spawned = spawnApi(options);
  const status = await withTimeout(spawned.exited, timeoutMs, () => {
    spawned.child.kill('SIGKILL');
    const command = ['main.js', ...(options.args ?? [])].join(' ');
    return new Error(`\`${command}\` was still running after ${timeoutMs} ms\n${describeOutput(spawned)}`);
  });
  return { ...status, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

/** Remembers pids for `cleanup()`, e.g. the workers of a primary that a spec may SIGKILL. */
export function trackPids(pids: readonly number[]): void {
  for (const pid of pids) trackedPids.add(pid);
}

/** Stops every server still running, gently (SIGTERM, see `stop()`), and reports what failed. */
export async function stopAllApis(): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    [...live].map(async (spawned) => {
      signal(spawned, 'SIGTERM');
      const stopped = await Promise.race([spawned.exited, sleep(EXIT_TIMEOUT_MS).then(() => undefined)]);
      if (!stopped) {
        failures.push(`${spawned.label} did not exit within ${EXIT_TIMEOUT_MS} ms after SIGTERM`);
        signal(spawned, 'SIGKILL', true);
        await spawned.exited;
      }
      await reapGroup(spawned);
    }),
  );
  return failures;
}

/**
 * SIGKILLs those of `pids` still running the built API (e.g. workers orphaned by a killed primary)
 * and waits until they are gone; a pid is only signalled while it is a live process of the built
 * API, never a stranger that happens to reuse the number.
 */
export async function killApiProcesses(pids: readonly number[]): Promise<void> {
  const strays = [...new Set(pids)].filter((pid) => isAlive(pid) && commandLine(pid).includes(API_MAIN));
  for (const pid of strays) signalPid(pid, 'SIGKILL');
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  while (strays.some(isAlive) && Date.now() < deadline) await sleep(50);
}

/**
 * Kills every server still running (and whatever it forked, e.g. cluster workers) and removes
 * every temp folder; call from afterAll/afterEach.
 */
export async function cleanup(): Promise<void> {
  const spawnedNow = [...live];
  const forked = spawnedNow.flatMap((spawned) => (spawned.pid > 1 ? descendantPids(spawned.pid) : []));
  await Promise.all(
    spawnedNow.map((spawned) => {
      signal(spawned, 'SIGKILL', true);
      return spawned.exited;
    }),
  );
  await killApiProcesses([...forked, ...trackedPids]);
  trackedPids.clear();
  removeTempDirs();
}
