import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CatalogEntry, Clock, CLOCK, InventoryModule, InventoryModuleOptions } from '@gtd/api-inventory';
import { HttpPlatformModule } from '@gtd/api-platform';
import { writeTestCatalog } from '@gtd/testing';

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
