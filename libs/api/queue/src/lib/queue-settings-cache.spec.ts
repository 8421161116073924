import { connectStores, QueueSettingsRecord } from '@gtd/api-inventory';
import { QUEUE_DEFAULTS } from './queue-rules';
import { QueueSettingsCache } from './queue-settings-cache';

const queue = (productId: number, enabled: boolean): QueueSettingsRecord => ({
  productId,
  enabled,
  ...QUEUE_DEFAULTS,
});

/** A memory store kind (`connectStores` reads no catalogue; seeding is `openStores`'s job). */
const openMemoryStores = () =>
  connectStores({ store: 'memory', catalogPath: '', maxQuantityPerPurchase: 10 });

describe('QueueSettingsCache', () => {
  it('knows every stored queue once initialised, before any admission beat', async () => {
    const { queue: store, inventory } = await openMemoryStores();
    await store.saveSettings(queue(1, true));
    await store.saveSettings(queue(2, false));
    const cache = new QueueSettingsCache(store, inventory);
    expect(cache.enabled(1)).toBeUndefined();
    await cache.onModuleInit();
    expect(cache.enabled(1)).toEqual(queue(1, true));
    expect(cache.enabled(2)).toBeUndefined();
    expect(cache.enabledQueues().map((s) => s.productId)).toEqual([1]);
  });

  it('sees its own instance’s change at once and another instance’s at the next refresh', async () => {
    const { queue: store, inventory } = await openMemoryStores();
    const cache = new QueueSettingsCache(store, inventory);
    await cache.onModuleInit();
    cache.remember(queue(3, true));
    expect(cache.enabled(3)).toBeDefined();
    await store.saveSettings(queue(4, true));
    expect(cache.enabled(4)).toBeUndefined();
    await cache.refresh();
    expect(cache.enabled(4)).toBeDefined();
  });
});
