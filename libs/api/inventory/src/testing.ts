import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HttpPlatformModule } from '@gtd/api-platform';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogEntry } from './lib/catalog';
import { Clock, CLOCK } from './lib/clock';
import { InventoryModule } from './lib/inventory.module';
import { InventoryModuleOptions } from './lib/inventory.options';

/** Writes a catalogue to a fresh temp folder and returns its path. */
export function writeTestCatalog(entries: CatalogEntry[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gtd-catalog-')), 'catalog.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

/**
 * A clock a test moves by hand, so schedules are tested to the millisecond without sleeping:
 * `Test.createTestingModule(…).overrideProvider(CLOCK).useValue(new FakeClock(…))`.
 */
export class FakeClock implements Clock {
  private ms: number;

  /** Starts at `start` (epoch ms or ISO 8601), by default the real time of construction. */
  constructor(start: number | string = Date.now()) {
    this.ms = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.ms;
  }

  set(at: number | string): void {
    this.ms = typeof at === 'string' ? Date.parse(at) : at;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * A Nest app with the real HTTP conventions (middleware, pipes, filter) and a memory store, for
 * module-level specs of the feature libs. Not a mock: the same modules the server runs. `clock`
 * replaces the system clock (see FakeClock).
 */
export async function createFeatureTestApp(
  imports: ModuleMetadata['imports'],
  catalog: CatalogEntry[],
  options: Partial<InventoryModuleOptions> = {},
  overrides: { clock?: Clock } = {},
): Promise<INestApplication> {
  let builder = Test.createTestingModule({
    imports: [
      HttpPlatformModule,
      InventoryModule.forRoot({
        store: 'memory',
        catalogPath: writeTestCatalog(catalog),
        maxQuantityPerPurchase: 10,
        ...options,
      }),
      ...(imports ?? []),
    ],
  });
  if (overrides.clock) builder = builder.overrideProvider(CLOCK).useValue(overrides.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({
    bodyParser: false,
    logger: false,
  });
  await app.init();
  return app;
}

/** Synchronous TCP probe, so a spec file can decide at load time whether a service is there. */
export function serviceReachable(host: string, port: number): boolean {
  const probe = `require('net').connect(${port}, ${JSON.stringify(host)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Specs that need a real PostgreSQL or Redis run when it is reachable. Under CI=true they always
 * run, so a missing service fails the build instead of silently skipping the specs.
 */
export function describeWithService(service: { name: string; host: string; port: number }): jest.Describe {
  if (process.env['CI'] === 'true' || serviceReachable(service.host, service.port)) return describe;
  console.warn(
    `${service.name} is not reachable on ${service.host}:${service.port}: its specs are skipped here`,
  );
  return describe.skip;
}

export const TEST_POSTGRES_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, uniquely named database for one spec file; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { Client } = await import('pg');
  const name = `gtd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleaner = new Client({ connectionString: TEST_POSTGRES_URL });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every key under a test's prefix. */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(TEST_REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
