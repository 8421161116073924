import { ApiRoutes, AuthSession } from '@gtd/shared-contracts';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { RunningApi } from './api-process';
import { CatalogEntry, DropFiles, dropFiles } from './catalog';
import { startServer } from './drop-server';
import { asBuyer, availableOf, buyRequest, register } from './drop-client';
import { send } from './http';
import { freePort } from './ports';
import { API_MAIN, STOREFRONT_ROOT } from './workspace';

/** What an API call answered: the status and the JSON body (`{}` when there is none). */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The production API serving the production storefront build, on a free port with a fresh SQLite
 * store and its own catalogue, plus the calls a browser spec makes "elsewhere" (straight against
 * the API, not through the page). `stop()` and `start()` keep the port and the SQLite file, so a
 * restart sees the same data.
 */
export class StorefrontApi {
  /** The operator token the API is started with (the operator API is off without one). */
  static readonly ADMIN_TOKEN = 'web-e2e-operator-token-0123456789';

  readonly baseUrl: string;
  private running: RunningApi | undefined;
  private last: RunningApi | undefined;

  private constructor(
    readonly port: number,
    private readonly files: DropFiles,
    private readonly env: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /** `env`: extra settings for the API, e.g. `{ HTTP_ADAPTER: 'fastify' }`. */
  static async launch(
    catalog: readonly CatalogEntry[],
    env: Record<string, string> = {},
  ): Promise<StorefrontApi> {
    for (const file of [API_MAIN, join(STOREFRONT_ROOT, 'index.html')]) {
      if (!existsSync(file)) {
        throw new Error(
          `${file} is missing: run the specs with \`npx nx e2e web-e2e\`, which builds api and web first`,
        );
      }
    }
    const api = new StorefrontApi(await freePort(), dropFiles(catalog), env);
    await api.start();
    return api;
  }

  /** Starts the process and resolves once `GET /health` answers 200. */
  async start(): Promise<void> {
    if (this.running) throw new Error('API already running');
    this.running = await startServer({
      catalogPath: this.files.catalogPath,
      sqlitePath: this.files.sqlitePath,
      port: this.port,
      env: {
        NODE_ENV: 'production',
        WEB_ROOT: STOREFRONT_ROOT,
        HTTP_ADAPTER: 'express',
        ADMIN_TOKEN: StorefrontApi.ADMIN_TOKEN,
        ...this.env,
      },
    });
    this.last = this.running;
  }

  /** SIGTERM, then waits for the process to exit. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  /** Stops the process and deletes the store and catalogue. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.files.dir, { recursive: true, force: true });
  }

  /** What the API itself says is left. */
  available(productId: number): Promise<number> {
    return availableOf(this.baseUrl, productId);
  }

  /** A purchase made "elsewhere", as the buyer of `accessToken` when given. */
  async buy(productId: number, quantity: number, accessToken?: string): Promise<ApiAnswer> {
    const spec = buyRequest(productId, quantity);
    return this.answer(accessToken ? asBuyer(spec, { accessToken }) : spec);
  }

  /** `POST /auth/register`; fails unless the API signs the buyer up. */
  async register(email: string, password: string): Promise<AuthSession> {
    const reply = await register(this.baseUrl, email, password);
    if (reply.status !== 201 && reply.status !== 200) {
      throw new Error(`register: ${reply.status} ${reply.text}`);
    }
    return reply.body;
  }

  /** An operator call (`ApiRoutes.admin.…`) with the operator token. */
  admin(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return this.answer({
      method,
      path,
      json: body,
      headers: { authorization: `Bearer ${StorefrontApi.ADMIN_TOKEN}` },
    });
  }

  /** The stored order, or null when the API does not find it. */
  async order(orderId: string): Promise<Record<string, unknown> | null> {
    const reply = await send<Record<string, unknown>>(this.baseUrl, { path: ApiRoutes.order(orderId) });
    return reply.status >= 200 && reply.status < 300 ? reply.body : null;
  }

  /** The server's output so far, for failure messages. */
  output(): string {
    return this.last?.output() ?? '';
  }

  private async answer(spec: Parameters<typeof send>[1]): Promise<ApiAnswer> {
    const reply = await send<Record<string, unknown>>(this.baseUrl, spec);
    return { status: reply.status, body: reply.body ?? {} };
  }
}

/** The machine's Chromium (Debian package, or `CHROMIUM_PATH`), headless. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page in its own browser context (fresh storage; axe-core's Playwright builder needs pages
 * created this way). Closing the page closes its context.
 */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // The context may already be gone when the whole browser closes first.
  page.once('close', () => void context.close().catch(() => undefined));
  return page;
}

/**
 * Chromium logs every 4xx response as a console error. A 409 SOLD_OUT or 401 AUTH_REQUIRED is an
 * answer the page handles, not a fault of the page, so those lines are not collected.
 */
const ANSWERED_4XX = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/** Collects console errors (other than handled 4xx answers) and uncaught exceptions of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !ANSWERED_4XX.test(message.text())) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** What a browser spec works with; read it inside hooks and tests (it is set up in `beforeAll`). */
export interface StorefrontFixture {
  readonly api: StorefrontApi;
  readonly browser: Browser;
  /** The current page: a fresh one per test, or one for the whole file (`page: 'shared'`). */
  readonly page: Page;
  /** Console errors and uncaught exceptions of `page` so far (see `watchErrors`). */
  readonly errors: string[];
}

export interface StorefrontFixtureOptions {
  /** Extra settings for the API, e.g. `{ HTTP_ADAPTER: 'fastify' }`. */
  env?: Record<string, string>;
  /** `each` (default): a fresh page for every test; `shared`: one page for the whole file. */
  page?: 'each' | 'shared';
}

/**
 * The set-up of every browser spec, registered as Jest hooks of the enclosing `describe`: the API
 * with `catalog` and the storefront, one Chromium, and the pages; all closed and removed after.
 */
export function useStorefront(
  catalog: readonly CatalogEntry[],
  options: StorefrontFixtureOptions = {},
): StorefrontFixture {
  let api: StorefrontApi | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  const shared = options.page === 'shared';
  const newPage = async (on: Browser) => {
    page = await openPage(on);
    errors = watchErrors(page);
  };

  beforeAll(async () => {
    api = await StorefrontApi.launch(catalog, options.env);
    browser = await launchChromium();
    if (shared) await newPage(browser);
  });
  afterAll(async () => {
    if (shared) await page?.close();
    await browser?.close();
    await api?.dispose();
  });
  if (!shared) {
    beforeEach(() => newPage(ready(browser, 'browser')));
    afterEach(async () => {
      await page?.close();
    });
  }

  return {
    get api() {
      return ready(api, 'api');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get page() {
      return ready(page, 'page');
    },
    get errors() {
      return errors;
    },
  };
}

function ready<T>(value: T | undefined, name: string): T {
  if (value === undefined)
    throw new Error(`The storefront fixture's ${name} is set up in beforeAll: use it in a test`);
  return value;
}
