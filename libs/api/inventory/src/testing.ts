import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HttpPlatformModule } from '@gtd/api-platform';
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

/** The real PostgreSQL and Redis of the adapter specs: the helpers every suite shares. */
export {
  clearRedisPrefix,
  createTestDatabase,
  describeWithService,
  serviceReachable,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
} from '@gtd/testing';
