import { Test } from '@nestjs/testing';
import { ErrorCode } from '@gtd/shared-contracts';
import { FakeClock, writeTestCatalog } from '@gtd/testing';
import { CatalogueQueries } from './catalogue-queries';
import { CLOCK } from './clock';
import { InventoryStore } from './inventory-store';
import { InventoryModule } from './inventory.module';
import { StoreHealth } from './stores';
import { PurchaseService } from './purchase.service';

describe('InventoryModule', () => {
  it('exports the use cases, the store and a clock tests can replace', async () => {
    const clock = new FakeClock('2030-01-01T10:00:00.000Z');
    const moduleRef = await Test.createTestingModule({
      imports: [
        InventoryModule.forRoot({
          store: 'memory',
          catalogPath: writeTestCatalog([
            {
              id: 2,
              name: 'Limited',
              description: '',
              price: 1,
              currency: 'EUR',
              stock: 9,
              perBuyerLimit: 2,
            },
          ]),
          maxQuantityPerPurchase: 10,
        }),
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const store = app.get<InventoryStore>(InventoryStore);
    expect(app.get(CLOCK)).toBe(clock);
    expect(app.get<StoreHealth>(StoreHealth).kind).toBe('memory');
    expect((await app.get(CatalogueQueries).getLiveInventory(2)).state).toBe('live');

    await app
      .get(PurchaseService)
      .purchase({ productId: 2, quantity: 1 })
      .catch(() => undefined);
    const record = jest.spyOn(store, 'recordRejections');
    await app.close();
    expect(record).toHaveBeenCalledWith([{ productId: 2, code: ErrorCode.AuthRequired, count: 1 }]);
  });
});
