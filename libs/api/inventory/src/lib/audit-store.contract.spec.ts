import { AdapterUnderTest, describeEveryStoreKind } from '../testing/store-kinds';
import { AuditRecord, AuditStore } from './audit-store';
import { Stores } from './stores';

/** The audit log's filters (paging itself is in the inventory contract), on every store kind. */
const T = Date.parse('2030-01-01T00:00:00.000Z');

function contract(makeAdapter: () => AdapterUnderTest): void {
  let adapter: AdapterUnderTest;
  let stores: Stores;
  let audit: AuditStore;
  const appended: AuditRecord[] = [];

  beforeEach(async () => {
    adapter = makeAdapter();
    stores = await adapter.open();
    audit = stores.audit;
    appended.length = 0;
    // Five entries, newest last: product 1 created, restocked, paused; product 2 created; product 1 resumed.
    const steps: [string, number | null][] = [
      ['product.create', 1],
      ['product.restock', 1],
      ['product.pause', 1],
      ['product.create', 2],
      ['product.resume', 1],
    ];
    for (const [i, [action, productId]] of steps.entries()) {
      appended.push(
        await audit.append({
          at: new Date(T + i).toISOString(),
          actor: 'admin@127.0.0.1',
          action,
          productId,
          details: {},
        }),
      );
    }
  });

  afterEach(async () => {
    await stores.close();
    await adapter.cleanup();
  });

  it('lists only one product’s entries, newest first, paged within the filter', async () => {
    const first = await audit.list(2, null, { productId: 1 });
    expect(first).toEqual([appended[4], appended[2]]);
    expect(await audit.list(2, first[1].id, { productId: 1 })).toEqual([appended[1], appended[0]]);
    expect(await audit.list(10, null, { productId: 3 })).toEqual([]);
  });

  it('lists only one action, and both filters together', async () => {
    expect(await audit.list(10, null, { action: 'product.create' })).toEqual([appended[3], appended[0]]);
    expect(await audit.list(10, null, { action: 'product.create', productId: 2 })).toEqual([appended[3]]);
    expect(await audit.list(10, null, { action: 'queue.update' })).toEqual([]);
  });

  it('without a filter, lists every entry as before', async () => {
    expect(await audit.list(10, null, {})).toEqual([...appended].reverse());
  });
}

describeEveryStoreKind('AuditStore', contract);
