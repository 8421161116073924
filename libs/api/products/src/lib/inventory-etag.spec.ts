import { Inventory } from '@gtd/shared-contracts';
import { ETAG_MEMBERS, inventoryEtag } from './inventory-etag';

const body: Inventory = { productId: 1, available: 42, state: 'live', pollAfterMs: 1000 };
const changed: { [K in keyof Inventory]: Inventory[K] } = {
  productId: 2,
  available: 41,
  state: 'sold_out',
  pollAfterMs: 2000,
};

describe('inventoryEtag', () => {
  it('is a strong tag (quoted, no W/) and the same for the same body', () => {
    expect(inventoryEtag(body)).toMatch(/^"[^"]+"$/);
    expect(inventoryEtag({ ...body })).toBe(inventoryEtag(body));
  });

  it.each(ETAG_MEMBERS)('changes when %s changes', (member) => {
    expect(inventoryEtag({ ...body, [member]: changed[member] })).not.toBe(inventoryEtag(body));
  });

  it('tells apart bodies whose members could run together', () => {
    expect(inventoryEtag({ ...body, productId: 1, available: 12 })).not.toBe(
      inventoryEtag({ ...body, productId: 11, available: 2 }),
    );
  });
});
