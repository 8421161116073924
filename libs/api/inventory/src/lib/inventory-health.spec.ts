import { MemoryInventoryStore } from './adapters/memory-inventory-store';
import { InventoryHealth } from './inventory-health';

describe('InventoryHealth', () => {
  it('names the adapter and reports what the store says of its dependencies', async () => {
    const store = new MemoryInventoryStore();
    const dependencies = [{ name: 'memory', up: false, details: { error: 'gone' } }];
    jest.spyOn(store, 'checkHealth').mockResolvedValue(dependencies);
    const health = new InventoryHealth(store);
    expect(health.kind).toBe('memory');
    expect(await health.check()).toBe(dependencies);
  });
});
