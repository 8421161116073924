import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { lateBound } from './late-bound';
import { freePort } from './ports';
import { makeTempDir } from './temp';

const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 10_000;

/**
 * The shared caches' view of the waiting room: the one public status per drop every visitor polls,
 * and the blocks of the drawn order every pre-queue visitor reads its place from once.
 */
export const QUEUE_STATUS_LOCATION = '^/products/[0-9]+/queue(/order/[0-9]+)?$';

export interface EdgeOptions {
  /** What the edge forwards to, e.g. `http://127.0.0.1:8080`. */
  originUrl: string;
  /** nginx `location ~` regex of the paths answered from the cache; the rest is only forwarded. */
  cachedLocation?: string;
  /** nginx worker processes (default 1: the machines running this have few cores). */
  workerProcesses?: number;
  /** Names the edge in errors and its temp folder. */
  label?: string;
}

/**
 * An nginx of the caller's own in front of an origin, configured as a CDN would be for the queue
 * status: it caches what the origin's `Cache-Control` allows (`s-maxage`, `stale-while-revalidate`),
 * one request per expired entry reaches the origin (`proxy_cache_lock`), the crowd gets the stale copy
 * meanwhile and the refresh runs in the background, as a conditional request (`If-None-Match`).
 */
export interface RunningEdge {
  port: number;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The master process; its workers are its children. */
  pid: number;
  /** Its prefix: config, cache, temp files, logs. */
  dir: string;
  /** What nginx logged (warnings and errors) so far. */
  errorLog(): string;
  /** SIGTERM (nginx's fast shutdown, workers included), then the folder removed; safe to call twice. */
  stop(): Promise<void>;
}

/** The nginx binary: `NGINX` if set, else Debian's `/usr/sbin/nginx`, else `nginx` on PATH. */
export function nginxBinary(): string {
  const configured = process.env['NGINX'];
  if (configured) return configured;
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
}

export interface EdgeConfigInput {
  dir: string;
  port: number;
  originHost: string;
  originPort: number;
  cachedLocation: string;
  workerProcesses: number;
  /** Set when nginx runs as root, so its workers can write the folder root created (not `nobody`). */
  user?: string;
}

/** The whole nginx.conf: every path it writes under `dir`, nothing from the system's nginx set-up. */
export function edgeConfig(input: EdgeConfigInput): string {
  const { dir } = input;
  const forward = [
    'proxy_pass http://origin;',
    // HTTP/1.1 without `Connection: close`, so the upstream keep-alive pool is used.
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
  ];
  return `${input.user ? `user ${input.user};\n` : ''}worker_processes ${input.workerProcesses};
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;

events {
  worker_connections 8192;
}

http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy_temp')};
  fastcgi_temp_path ${join(dir, 'fastcgi_temp')};
  uwsgi_temp_path ${join(dir, 'uwsgi_temp')};
  scgi_temp_path ${join(dir, 'scgi_temp')};
  proxy_cache_path ${join(dir, 'cache')} levels=1:2 keys_zone=edge:1m max_size=16m inactive=1m use_temp_path=off;
  # A simulated crowd reuses a few connections for many requests.
  keepalive_requests 1000000;
  keepalive_timeout 60s;

  upstream origin {
    server ${input.originHost}:${input.originPort};
    keepalive 32;
    # Below Node's 5 s: nginx must never reuse a connection the origin is closing (a POST is not retried).
    keepalive_timeout 2s;
  }

  server {
    listen 127.0.0.1:${input.port};

    location ~ ${input.cachedLocation} {
      ${forward.join('\n      ')}
      # No proxy_cache_valid: how long an answer is kept is the origin's Cache-Control alone.
      proxy_cache edge;
      proxy_cache_lock on;
      proxy_cache_use_stale updating;
      proxy_cache_background_update on;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }

    location / {
      ${forward.join('\n      ')}
    }
  }
}
`;
}

/** Every edge started here and not yet stopped, ended if the runner exits without stopping it. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function stopOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    // SIGTERM, not SIGKILL: the master then ends its workers, which a killed master would orphan.
    for (const child of running) child.kill('SIGTERM');
  });
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A TCP connection, not an HTTP request: the specs' reply observers see no probe. */
function accepts(port: number): Promise<boolean> {
  return new Promise((settle) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), settle(true)));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => (socket.destroy(), settle(false)));
  });
}

function launch(dir: string, conf: string) {
  // `-e`: the error log from the first line on, not the compiled-in /var/log/nginx path.
  const args = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const child = spawn(nginxBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  stopOnExit();
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let gone = false;
  const exited = new Promise<void>((resolveExit) => {
    const settle = () => {
      gone = true;
      running.delete(child);
      resolveExit();
    };
    child.once('exit', settle);
    child.once('error', (error) => {
      output += `\n${error.message}`;
      settle();
    });
  });
  return { child, exited, alive: () => !gone, output: () => output };
}

/**
 * Starts nginx (see `RunningEdge`) on a free port of 127.0.0.1 in front of `originUrl`, as a child
 * process in the foreground (`daemon off`), and resolves once it answers HTTP. A port taken meanwhile
 * is tried again with another.
 */
export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const label = options.label ?? 'nginx-edge';
  const origin = new URL(options.originUrl);
  const dir = makeTempDir(`gtd-${label}`);
  const conf = join(dir, 'nginx.conf');
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(
      conf,
      edgeConfig({
        dir,
        port,
        originHost: origin.hostname,
        originPort: Number(origin.port || 80),
        cachedLocation: options.cachedLocation ?? QUEUE_STATUS_LOCATION,
        workerProcesses: options.workerProcesses ?? 1,
        user: process.getuid?.() === 0 ? userInfo().username : undefined,
      }),
    );
    const nginx = launch(dir, conf);
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (nginx.alive() && Date.now() < deadline) {
      if (await accepts(port)) {
        ready = true;
        break;
      }
      await sleep(50);
    }
    if (!ready) {
      nginx.child.kill('SIGTERM');
      await nginx.exited;
      const why = `${nginx.output()}\n${errorLog()}`;
      if (attempt < 3 && /Address already in use/.test(why)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${label} did not start:\n${why}`);
    }
    let stopped = false;
    return {
      port,
      baseUrl,
      pid: nginx.child.pid ?? -1,
      dir,
      errorLog,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        if (nginx.alive()) nginx.child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((done) => (timer = setTimeout(done, EXIT_TIMEOUT_MS)));
        await Promise.race([nginx.exited, late]).finally(() => clearTimeout(timer));
        if (nginx.alive()) nginx.child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/**
 * `describe` when nginx can be run here, and always under CI=true (a missing binary then fails the
 * build; .ci/run installs it); `describe.skip` with a warning elsewhere.
 */
export function describeWithNginx(): jest.Describe {
  if (process.env['CI'] === 'true') return describe;
  if (spawnSync(nginxBinary(), ['-v']).status === 0) return describe;
  console.warn('nginx is not installed: the specs behind a caching edge are skipped here');
  return describe.skip;
}

/**
 * `startEdge` as Jest hooks of the enclosing `describe`, in front of `origin` (e.g. what `useServer`
 * returned, read in `beforeAll`, so declare the server first): started in `beforeAll`, stopped in
 * `afterAll`.
 */
export function useEdge(
  origin: { baseUrl: string },
  options: Omit<EdgeOptions, 'originUrl'> = {},
): RunningEdge {
  let edge: RunningEdge | undefined;
  beforeAll(async () => {
    edge = await startEdge({ ...options, originUrl: origin.baseUrl });
  });
  afterAll(async () => {
    await edge?.stop();
  });
  return lateBound('The edge of useEdge()', () => edge);
}
