import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandResult, RunningApi, runApiToExit, startApi } from './api-process';
import { CatalogEntry, dropFiles } from './catalog';

/** The HTTP platforms the API runs on; the contract specs run on each. */
export const HTTP_ADAPTERS = ['express', 'fastify'] as const;

/** A folder without a storefront build: the API answers every path itself. */
export const NO_STOREFRONT = join(tmpdir(), 'gtd-e2e-no-storefront');

export interface StartOptions {
  /** Catalogue file for a fresh store (see `writeCatalog`). */
  catalogPath: string;
  /** SQLite file; reuse one to restart on the same data or to share it between processes. */
  sqlitePath: string;
  /** Extra or overriding environment variables (e.g. `MAX_QUANTITY_PER_PURCHASE`). */
  env?: Record<string, string>;
  /** Listen on this port (e.g. the same one after a restart); a free one by default. */
  port?: number;
}

/**
 * Starts the built API on a free port with its own SQLite file and catalogue, no storefront,
 * no buy or /auth rate limit (specs rush `POST /buy` and register buyers from one address; the
 * rate-limit specs turn them on) and, with STORE=redis, `REDIS_DURABILITY=accept-loss`,
 * and resolves once `GET /health` answers 200.
 */
export function startServer(options: StartOptions): Promise<RunningApi> {
  return startApi({
    port: options.port,
    env: {
      STORE: 'sqlite',
      SQLITE_PATH: options.sqlitePath,
      CATALOG: options.catalogPath,
      WEB_ROOT: NO_STOREFRONT,
      BUY_RATE_LIMIT: '0',
      AUTH_RATE_LIMIT: '0',
      AUTH_EMAIL_RATE_LIMIT: '0',
      // The shared test Redis runs without AOF; a spec on a durable Redis of its own sets `require`.
      REDIS_DURABILITY: 'accept-loss',
      ...options.env,
    },
  });
}

/**
 * `startServer` in a fresh folder: `catalog` written there, a SQLite file of its own, and `env`
 * (e.g. `{ HTTP_ADAPTER: 'fastify' }`) on top of the defaults.
 */
export function startWithCatalog(
  catalog: readonly CatalogEntry[],
  env: Record<string, string> = {},
): Promise<RunningApi> {
  return startServer({ ...dropFiles(catalog), env });
}

/**
 * Runs the API with an environment that must make it refuse to start, and resolves with how it
 * exited. A server that starts anyway is killed after the timeout and reported as such.
 */
export function runUntilExit(env: Record<string, string>): Promise<CommandResult> {
  return runApiToExit({ env: { HOST: '127.0.0.1', WEB_ROOT: NO_STOREFRONT, ...env } });
}

/**
 * Runs a command of the built API (e.g. `reconcile --repair`) to completion with the same
 * environment handling as a server, and resolves with its exit status and output.
 */
export function runApiCommand(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<CommandResult> {
  return runApiToExit({ args, env, timeoutMs });
}
