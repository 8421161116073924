import { Logger } from '@nestjs/common';
import { CatalogueQueries, LiveInventory } from '@gtd/api-inventory';
import { MessageEvent } from '@nestjs/common';
import { Subject, Subscription } from 'rxjs';
import { FEED_INTERVAL_MS, InventoryFeed } from './inventory-feed';
import { HEARTBEAT_MS, serverSentEvents } from '@gtd/api-platform';

describe('InventoryFeed', () => {
  let available: number;
  let reads: number;
  let failing: boolean;
  let feed: InventoryFeed;
  const subscriptions: Subscription[] = [];

  const service = {
    getLiveInventory: async (productId: number): Promise<LiveInventory> => {
      reads++;
      if (failing) throw new Error('store down');
      return { productId, available, state: available > 0 ? 'live' : 'sold_out', startsAt: null };
    },
  } as unknown as CatalogueQueries;

  const subscriber = () => {
    const seen: number[] = [];
    subscriptions.push(feed.watch(1).subscribe((live) => seen.push(live.available)));
    return seen;
  };
  const tick = (times = 1) => jest.advanceTimersByTimeAsync(FEED_INTERVAL_MS * times);

  beforeEach(() => {
    jest.useFakeTimers();
    available = 10;
    reads = 0;
    failing = false;
    feed = new InventoryFeed(service);
  });

  afterEach(() => {
    subscriptions.splice(0).forEach((s) => s.unsubscribe());
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('reads once per interval for all subscribers and sends each only the changes', async () => {
    const first = subscriber();
    await tick(0);
    const second = subscriber();
    await tick(0);
    expect([first, second]).toEqual([[10], [10]]);

    available = 7;
    await tick();
    await tick(3);
    available = 6;
    await tick();
    expect([first, second]).toEqual([
      [10, 7, 6],
      [10, 7, 6],
    ]);
    expect(reads).toBe(6);
  });

  it('coalesces any number of sales between two reads into one update', async () => {
    const seen = subscriber();
    await tick(0);
    for (let sold = 0; sold < 5; sold++) available--;
    await tick();
    expect(seen).toEqual([10, 5]);
  });

  it('stops reading when the last subscriber leaves, and starts afresh for the next one', async () => {
    subscriber();
    await tick(2);
    subscriptions.splice(0).forEach((s) => s.unsubscribe());
    const before = reads;
    await tick(10);
    expect(reads).toBe(before);

    available = 4;
    const late = subscriber();
    await tick(0);
    expect(late).toEqual([4]);
  });

  it('keeps the stream through a store failure, says so once, and carries on once the store answers', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const seen = subscriber();
    await tick(0);
    failing = true;
    await tick(3);
    failing = false;
    available = 9;
    await tick();
    expect(seen).toEqual([10, 9]);
    expect(warned).toHaveBeenCalledTimes(1);
    expect(warned.mock.calls[0][0]).toContain('store down');
  });
});

describe('serverSentEvents', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends each update as data and a heartbeat comment every 15 s in between', async () => {
    const updates = new Subject<LiveInventory>();
    const sent: MessageEvent[] = [];
    const subscription = serverSentEvents(updates, (live) => ({ ...live, pollAfterMs: 1000 })).subscribe(
      (e) => sent.push(e),
    );
    updates.next({ productId: 1, available: 3, state: 'live', startsAt: null });
    await jest.advanceTimersByTimeAsync(HEARTBEAT_MS - 1);
    expect(sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    updates.next({ productId: 1, available: 2, state: 'live', startsAt: null });
    await jest.advanceTimersByTimeAsync(HEARTBEAT_MS);
    subscription.unsubscribe();
    expect(sent).toEqual([
      { data: { productId: 1, available: 3, state: 'live', startsAt: null, pollAfterMs: 1000 } },
      { comment: 'heartbeat' },
      { data: { productId: 1, available: 2, state: 'live', startsAt: null, pollAfterMs: 1000 } },
      { comment: 'heartbeat' },
    ]);
  });
});
