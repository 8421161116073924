import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HttpPlatformModule } from '@gtd/api-platform';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogEntry } from './lib/catalog';
import { InventoryModule } from './lib/inventory.module';
import { InventoryModuleOptions } from './lib/inventory.options';

/** Writes a catalogue to a fresh temp folder and returns its path. */
export function writeTestCatalog(entries: CatalogEntry[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gtd-catalog-')), 'catalog.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

/**
 * A Nest app with the real HTTP conventions (middleware, pipes, filter) and a memory store, for
 * module-level specs of the feature libs. Not a mock: the same modules the server runs.
 */
export async function createFeatureTestApp(
  imports: ModuleMetadata['imports'],
  catalog: CatalogEntry[],
  options: Partial<InventoryModuleOptions> = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
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
  }).compile();
  const app = moduleRef.createNestApplication({
    bodyParser: false,
    logger: false,
  });
  await app.init();
  return app;
}
