import { API_ENVIRONMENT_VARIABLES } from '@gtd/shared-contracts';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The workspace root (the API is started from there, as `npm start` does). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
const API_MAIN = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');
const WEB_INDEX = join(WORKSPACE_ROOT, 'dist/apps/web/browser/index.html');

/** One entry of the `CATALOG` file the API seeds a fresh store from. */
export interface CatalogEntry {
  id: number;
  name: string;
  description: string;
  price: number;
  currency: string;
  stock: number;
  /** ISO 8601 opening; purchases before it are NOT_STARTED. */
  startsAt?: string;
  endsAt?: string;
  /** Most units one signed-in buyer may hold (the drop then needs a signed-in buyer). */
  perBuyerLimit?: number;
}

/** The operator token every spec's API is started with (the operator API is off without one). */
export const ADMIN_TOKEN = 'web-e2e-operator-token-0123456789';

/** The parent shell's API settings never reach a spawned API (a developer's `STORE=redis` would change what runs). */
function apiEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of API_ENVIRONMENT_VARIABLES) {
    delete env[name];
  }
  return { ...env, ...overrides };
}

/** A buyer's session as the API hands it out. */
export interface BuyerSession {
  accessToken: string;
  buyer: { id: string; email: string };
}

export const GOLDEN_TICKET: CatalogEntry = {
  id: 1,
  name: 'Golden Ticket',
  description: 'A guided tour of the chocolate factory and a lifetime supply of its finest bars.',
  price: 5000,
  currency: 'EUR',
  stock: 100,
};

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * The production API (`node dist/apps/api/main.js`) on a free port with a fresh SQLite store and
 * its own catalogue. `stop()` and `start()` keep the port and the SQLite file, so a restart sees
 * the same data.
 */
export class ApiServer {
  readonly baseUrl: string;
  private readonly dir: string;
  private child: ChildProcess | null = null;
  private log = '';
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly port: number,
    catalog: CatalogEntry[],
    private readonly extraEnv: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.dir = mkdtempSync(join(tmpdir(), 'gtd-web-e2e-'));
    writeFileSync(join(this.dir, 'catalog.json'), JSON.stringify(catalog));
  }

  /** `env`: extra settings for the API, e.g. `{ HTTP_ADAPTER: 'fastify' }`. */
  static async launch(
    catalog: CatalogEntry[] = [GOLDEN_TICKET],
    env: Record<string, string> = {},
  ): Promise<ApiServer> {
    for (const file of [API_MAIN, WEB_INDEX]) {
      if (!existsSync(file)) {
        throw new Error(
          `${file} is missing: run the specs with \`npx nx e2e web-e2e\`, which builds api and web first`,
        );
      }
    }
    const server = new ApiServer(await freePort(), catalog, env);
    await server.start();
    return server;
  }

  /** Starts the process and resolves once `GET /health` answers 200. */
  async start(): Promise<void> {
    if (this.child) {
      throw new Error('API already running');
    }
    this.log = '';
    const child = spawn(process.execPath, [API_MAIN], {
      cwd: WORKSPACE_ROOT,
      env: apiEnvironment({
        NODE_ENV: 'production',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        STORE: 'sqlite',
        SQLITE_PATH: join(this.dir, 'drop.sqlite'),
        CATALOG: join(this.dir, 'catalog.json'),
        HTTP_ADAPTER: 'express',
        ADMIN_TOKEN,
        // Purchases made "elsewhere" come from this process's one address; specs that test the
        // rate limit turn it on themselves.
        BUY_RATE_LIMIT: '0',
        ...this.extraEnv,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    process.once('exit', this.killOnExit);
    child.stdout?.on('data', (chunk) => (this.log += chunk));
    child.stderr?.on('data', (chunk) => (this.log += chunk));
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
      }
      process.off('exit', this.killOnExit);
    });

    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`API exited while starting:\n${this.log}`);
      }
      try {
        const health = await fetch(`${this.baseUrl}/health`, {
          signal: AbortSignal.timeout(1000),
        });
        if (health.status === 200) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(`API did not become healthy within 30 s:\n${this.log}`);
  }

  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) {
      return;
    }
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the process and deletes the store and catalogue. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What the API itself says is left. */
  async available(productId: number): Promise<number> {
    const response = await fetch(`${this.baseUrl}/products/${productId}/inventory`);
    if (!response.ok) {
      throw new Error(`inventory: ${response.status}`);
    }
    return ((await response.json()) as { available: number }).available;
  }

  /** A purchase made "elsewhere": straight against the API, not through the page. */
  async buy(
    productId: number,
    quantity: number,
    accessToken?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (accessToken) {
      headers['authorization'] = `Bearer ${accessToken}`;
    }
    const response = await fetch(`${this.baseUrl}/buy`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ productId, quantity }),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  /** `POST /auth/register` straight against the API. */
  async register(email: string, password: string): Promise<BuyerSession> {
    const response = await fetch(`${this.baseUrl}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`register: ${response.status} ${await response.text()}`);
    }
    return (await response.json()) as BuyerSession;
  }

  /** An operator call (`/admin/…`) with the spec's `ADMIN_TOKEN`. */
  async admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async order(orderId: string): Promise<Record<string, unknown> | null> {
    const response = await fetch(`${this.baseUrl}/orders/${encodeURIComponent(orderId)}`);
    return response.ok ? ((await response.json()) as Record<string, unknown>) : null;
  }

  /** The server's output so far, for failure messages. */
  output(): string {
    return this.log;
  }
}
