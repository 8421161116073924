import { rmSync } from 'node:fs';
import { killApiProcesses } from './api-process';
import { CatalogEntry, dropFiles } from './catalog';
import { RunningCluster, startCluster } from './cluster';
import { startServer } from './drop-server';
import { lateBound } from './late-bound';

export interface ServerFixtureOptions {
  /** `WORKERS=N`: the fixture waits until every worker answers (see `startCluster`). */
  workers?: number;
}

/**
 * `startWithCatalog(catalog, env)` as Jest hooks of the enclosing `describe`: the server starts in
 * `beforeAll` (with `env()` read then, when it is a function, e.g. of services provisioned in an
 * earlier `beforeAll`), and is killed, with its workers, and its folder removed in `afterAll`.
 * The returned server stands for the one started (see `lateBound`); `workers` lists its workers
 * with `options.workers`, none without.
 */
export function useServer(
  catalog: readonly CatalogEntry[],
  env: Record<string, string> | (() => Record<string, string>) = {},
  options: ServerFixtureOptions = {},
): RunningCluster {
  let running: RunningCluster | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    const files = dropFiles(catalog);
    dir = files.dir;
    const start = { ...files, env: typeof env === 'function' ? env() : env };
    running =
      options.workers === undefined
        ? { ...(await startServer(start)), workers: [] }
        : await startCluster(start, options.workers);
  });
  afterAll(async () => {
    await running?.kill();
    await killApiProcesses(running?.workers ?? []);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return lateBound('The server of useServer()', () => running);
}
