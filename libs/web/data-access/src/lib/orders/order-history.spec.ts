import { TestBed } from '@angular/core/testing';
import { LOCAL_STORAGE, ORDER_HISTORY_LIMIT, OrderHistory, RecordedOrder } from './order-history';

/** A Storage kept in a Map, shared by "reloads" (fresh injectors). */
class MapStorage implements Storage {
  readonly map = new Map<string, string>();
  failWrites = false;
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.failWrites) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(key, value);
  }
}

const order = (n: number): RecordedOrder => ({
  orderId: `o-${n}`,
  productId: 1,
  productName: 'Golden Ticket',
  quantity: n,
  confirmedAt: `2030-01-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
});

describe('OrderHistory', () => {
  let storage: MapStorage;

  /** A fresh page load on the same device. */
  function load(): OrderHistory {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [{ provide: LOCAL_STORAGE, useValue: storage }] });
    return TestBed.inject(OrderHistory);
  }

  beforeEach(() => (storage = new MapStorage()));

  it('keeps confirmed orders newest first, across a reload, once each', () => {
    const history = load();
    expect(history.orders()).toEqual([]);
    history.record(order(1));
    history.record(order(2));
    history.record(order(1)); // a replayed confirmation
    expect(history.orders().map((o) => o.orderId)).toEqual(['o-2', 'o-1']);
    expect(load().orders()).toEqual([order(2), order(1)]);
  });

  it('sees what another tab recorded before adding to it', () => {
    const tabA = load();
    tabA.record(order(1));
    const tabB = load();
    tabA.record(order(2));
    tabB.record(order(3));
    expect(
      load()
        .orders()
        .map((o) => o.orderId),
    ).toEqual(['o-3', 'o-2', 'o-1']);
  });

  it(`keeps the newest ${ORDER_HISTORY_LIMIT}`, () => {
    const history = load();
    for (let n = 1; n <= ORDER_HISTORY_LIMIT + 3; n++) history.record(order(n));
    const kept = load().orders();
    expect(kept).toHaveLength(ORDER_HISTORY_LIMIT);
    expect(kept[0].orderId).toBe(`o-${ORDER_HISTORY_LIMIT + 3}`);
    expect(kept.at(-1)?.orderId).toBe('o-4');
  });

  it('ignores what it cannot read, and lists an order it could not store until the reload', () => {
    storage.setItem('gtd.order-history', '{not json');
    expect(load().orders()).toEqual([]);
    storage.setItem('gtd.order-history', JSON.stringify([order(1), { orderId: 7 }, null]));
    const history = load();
    expect(history.orders()).toEqual([order(1)]);

    storage.failWrites = true;
    history.record(order(2));
    history.record(order(3));
    expect(history.orders().map((o) => o.orderId)).toEqual(['o-3', 'o-2', 'o-1']);
    expect(load().orders()).toEqual([order(1)]);
  });

  it('works without storage at all', () => {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [{ provide: LOCAL_STORAGE, useValue: null }] });
    const history = TestBed.inject(OrderHistory);
    history.record(order(1));
    history.record(order(2));
    expect(history.orders()).toEqual([order(2), order(1)]);
  });
});
